"""Keep TensorFlow out of a Rasa server whose model does not use it.

Rasa 3.6 imports TensorFlow on start-up whatever the model is (``rasa.core.agent`` ->
``rasa.core.policies.policy`` -> ... -> ``rasa.utils.train_utils``; the component registry
imports DIET and TED). That import alone costs about 10 s and 500 MB here. When none of the
model's graph nodes is a TensorFlow component, nothing calls TensorFlow at run time: the
modules only need the names to exist while they are imported (base classes, decorators,
type hints). :func:`install` makes ``import tensorflow`` (and its add-on packages) return a
stand-in whose every attribute is an inert class, so those imports succeed without loading
TensorFlow.

:func:`model_needs_tensorflow` decides from the model archive's graph schema; with a model
that does need TensorFlow (DIET, TED, ...) nothing is stubbed and Rasa runs as usual.
"""

import importlib.abc
import importlib.machinery
import json
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Set

STUBBED_PACKAGES = (
    "tensorflow", "tensorflow_addons", "tensorflow_hub", "tensorflow_text", "tensorflow_estimator", "keras",
)
# Dunder names Python itself looks up (import system, typing, descriptors, copy, pickle):
# a stand-in must not pretend to have them.
_PROTOCOL_NAMES = frozenset({
    "__file__", "__all__", "__loader__", "__spec__", "__path__", "__wrapped__", "__origin__", "__args__",
    "__parameters__", "__mro_entries__", "__set_name__", "__get__", "__set__", "__delete__", "__copy__",
    "__deepcopy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__", "__signature__",
    "__annotations__", "__isabstractmethod__", "__objclass__", "__fspath__", "__index__", "__length_hint__",
    "__await__", "__aiter__", "__enter__", "__exit__", "__getnewargs__", "__getnewargs_ex__", "__class_getitem__",
    "__code__", "__func__", "__self__", "__name__", "__qualname__", "__module__", "__dict__", "__slots__",
    "__bases__", "__mro__", "__text_signature__", "__dataclass_fields__", "__attrs_attrs__", "__pydantic_model__",
})

# Rasa components whose `process`/`predict` run TensorFlow.
TENSORFLOW_COMPONENTS = frozenset({
    "DIETClassifier", "TEDPolicy", "UnexpecTEDIntentPolicy", "ResponseSelector",
    "LanguageModelFeaturizer", "ConveRTFeaturizer", "ConveRTTokenizer", "LanguageModelTokenizer",
    "HFTransformersNLP",
})


def _is_stubbed(fullname: str) -> bool:
    return any(fullname == name or fullname.startswith(name + ".") for name in STUBBED_PACKAGES)


class _StubMeta(type):
    """Class-level behaviour of a stand-in: any attribute, callable, subscriptable."""

    def __getattr__(cls, attr: str) -> Any:
        if attr in _PROTOCOL_NAMES:
            raise AttributeError(attr)
        return stub(f"{cls.__qualname__}.{attr}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # `@tf.function` and `@tf.function(...)` leave the function as it is.
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], _StubMeta):
            return args[0]
        return stub(f"{cls.__qualname__}()")

    def __getitem__(cls, item: Any) -> Any:
        return cls

    def __iter__(cls) -> Any:
        return iter(())

    def __len__(cls) -> int:
        return 0


def stub(name: str) -> type:
    """An inert class standing for the TensorFlow object ``name``."""
    return _StubMeta(name.rsplit(".", 1)[-1], (), {"__qualname__": name, "__module__": "tensorflow"})


class _StubModule(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:
        if attr in _PROTOCOL_NAMES:
            raise AttributeError(attr)
        value = stub(f"{self.__name__}.{attr}")
        setattr(self, attr, value)
        return value


class _StubLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _StubModule(spec.name)
        module.__path__ = []  # a package: `import tensorflow.keras.layers` works
        module.__version__ = "0.0.0+stub"
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


class _StubFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Any = None) -> Any:
        if _is_stubbed(fullname):
            return importlib.machinery.ModuleSpec(fullname, _StubLoader(), is_package=True)
        return None


_FINDER = _StubFinder()


def install() -> None:
    """From now on, TensorFlow imports get the stand-in. Must run before Rasa is imported."""
    loaded = [name for name in sys.modules if _is_stubbed(name)]
    if loaded:
        raise RuntimeError(f"TensorFlow is already imported ({loaded[0]}): install() must come first")
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def installed() -> bool:
    return _FINDER in sys.meta_path


def component_classes(model: Path) -> Set[str]:
    """Class names of every node in the model's prediction and training graphs."""
    with tarfile.open(model, mode="r:gz") as archive:
        member = next((m for m in archive.getmembers() if m.name.lstrip("./") == "metadata.json"), None)
        if member is None:
            raise ValueError(f"{model} has no metadata.json")
        metadata = json.load(archive.extractfile(member))  # type: ignore[arg-type]
    classes = set()
    for schema in ("predict_schema", "train_schema"):
        for node in metadata.get(schema, {}).get("nodes", {}).values():
            classes.add(str(node.get("uses", "")).rsplit(".", 1)[-1])
    return classes


def model_needs_tensorflow(model: Path) -> bool:
    return bool(component_classes(model) & TENSORFLOW_COMPONENTS)


def uses_tensorflow(classes: Iterable[str]) -> bool:
    return bool(set(classes) & TENSORFLOW_COMPONENTS)
