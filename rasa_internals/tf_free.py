"""Keep TensorFlow out of a Rasa server whose model does not use it.

Rasa 3.6 imports TensorFlow on start-up whatever the model is (``rasa.core.agent`` ->
``rasa.core.policies.policy`` -> ... -> ``rasa.utils.train_utils``; the component registry
imports DIET and TED). That import alone costs about 10 s and 500 MB here. When none of the
model's graph nodes is a TensorFlow component, nothing calls TensorFlow at run time: the
modules only need the names to exist while they are imported (base classes, decorators,
type hints). :func:`install` makes ``import tensorflow`` (and its add-on packages) return a
stand-in whose every attribute is an inert class, so those imports succeed without loading
TensorFlow.

:func:`stand_in_suits` decides from the graph schema of the model ``rasa run`` will load
(the archive, or the newest one in a ``--model`` directory, found as Rasa finds it): the
stand-in is used only when every node's class is on ``TENSORFLOW_FREE_COMPONENTS``, an
allow-list of components known not to call TensorFlow. Any other model (DIET, TED, a custom
component nobody has checked) gets real TensorFlow, and the reason is logged.
"""

import importlib.abc
import importlib.machinery
import json
import logging
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, FrozenSet, Iterable, Optional, Sequence, Set

import rasa_internals

logger = logging.getLogger(__name__)

STUBBED_PACKAGES = (
    "tensorflow",
    "tensorflow_addons",
    "tensorflow_hub",
    "tensorflow_text",
    "tensorflow_estimator",
    "keras",
)
# Dunder names Python itself looks up (import system, typing, descriptors, copy, pickle):
# a stand-in must not pretend to have them.
_PROTOCOL_NAMES = frozenset(
    {
        "__file__",
        "__all__",
        "__loader__",
        "__spec__",
        "__path__",
        "__wrapped__",
        "__origin__",
        "__args__",
        "__parameters__",
        "__mro_entries__",
        "__set_name__",
        "__get__",
        "__set__",
        "__delete__",
        "__copy__",
        "__deepcopy__",
        "__reduce__",
        "__reduce_ex__",
        "__getstate__",
        "__setstate__",
        "__signature__",
        "__annotations__",
        "__isabstractmethod__",
        "__objclass__",
        "__fspath__",
        "__index__",
        "__length_hint__",
        "__await__",
        "__aiter__",
        "__enter__",
        "__exit__",
        "__getnewargs__",
        "__getnewargs_ex__",
        "__class_getitem__",
        "__code__",
        "__func__",
        "__self__",
        "__name__",
        "__qualname__",
        "__module__",
        "__dict__",
        "__slots__",
        "__bases__",
        "__mro__",
        "__text_signature__",
        "__dataclass_fields__",
        "__attrs_attrs__",
        "__pydantic_model__",
    }
)

# Graph components (as the model's metadata names them) whose modules and methods were read
# and found not to call TensorFlow: Rasa 3.6's own graph plumbing and the TensorFlow-free
# components this project uses or could switch to, and the project's own components.
TENSORFLOW_FREE_COMPONENTS: FrozenSet[str] = frozenset(
    {
        "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
        "rasa.core.policies.rule_policy.RulePolicy",
        "rasa.core.policies.memoization.MemoizationPolicy",
        "rasa.core.policies.memoization.AugmentedMemoizationPolicy",
        "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
        "rasa.graph_components.providers.domain_for_core_training_provider.DomainForCoreTrainingProvider",
        "rasa.graph_components.providers.domain_provider.DomainProvider",
        "rasa.graph_components.providers.forms_provider.FormsProvider",
        "rasa.graph_components.providers.nlu_training_data_provider.NLUTrainingDataProvider",
        "rasa.graph_components.providers.responses_provider.ResponsesProvider",
        "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
        "rasa.graph_components.providers.story_graph_provider.StoryGraphProvider",
        "rasa.graph_components.providers.training_tracker_provider.TrainingTrackerProvider",
        "rasa.graph_components.validators.default_recipe_validator.DefaultV1RecipeValidator",
        "rasa.graph_components.validators.finetuning_validator.FinetuningValidator",
        "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
        "rasa.nlu.classifiers.keyword_intent_classifier.KeywordIntentClassifier",
        "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
        "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
        "rasa.nlu.extractors.crf_entity_extractor.CRFEntityExtractor",
        "rasa.nlu.extractors.entity_synonyms.EntitySynonymMapper",
        "rasa.nlu.extractors.regex_entity_extractor.RegexEntityExtractor",
        "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
        "rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer.LexicalSyntacticFeaturizer",
        "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer.RegexFeaturizer",
        "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
        "nlu_components.red_flags.RedFlagOverride",
        "nlu_components.tfidf_classifier.TfidfIntentClassifier",
        "nlu_components.tokenizer.HangulSafeWhitespaceTokenizer",
    }
)
PIECE = "tensorflow_stand_in"


# The packages the installed finder stands in for (``install``).
_stubbed_packages: Set[str] = set()


def _is_stubbed(fullname: str, packages: Iterable[str] = ()) -> bool:
    return any(fullname == name or fullname.startswith(name + ".") for name in packages or _stubbed_packages)


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
    __version__: str

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


def install(packages: Sequence[str] = STUBBED_PACKAGES) -> None:
    """From now on, imports of ``packages`` (default: TensorFlow's) get the stand-in. Must run
    before Rasa is imported."""
    loaded = [name for name in sys.modules if _is_stubbed(name, packages)]
    if loaded:
        raise RuntimeError(f"{loaded[0]} is already imported: install() must come first")
    _stubbed_packages.update(packages)
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def served_archive(model: Optional[Path]) -> Path:
    """The archive ``rasa run --model <model>`` loads: the file, or the newest in a directory.

    Raises ``rasa.exceptions.ModelNotFound`` as ``rasa run`` would.
    """
    from rasa.model import get_local_model
    from rasa.shared.constants import DEFAULT_MODELS_PATH

    return Path(get_local_model(str(model) if model is not None else DEFAULT_MODELS_PATH))


def component_classes(model: Path) -> Set[str]:
    """Dotted class paths of every node in the model archive's prediction and training graphs."""
    with tarfile.open(model, mode="r:gz") as archive:
        member = next((m for m in archive.getmembers() if m.name.lstrip("./") == "metadata.json"), None)
        extracted = archive.extractfile(member) if member is not None else None
        if extracted is None:
            raise ValueError(f"{model} has no metadata.json")
        metadata = json.load(extracted)
    return {
        str(node.get("uses", ""))
        for schema in ("predict_schema", "train_schema")
        for node in metadata.get(schema, {}).get("nodes", {}).values()
    }


def components_not_known_tensorflow_free(model: Path) -> Set[str]:
    return component_classes(model) - TENSORFLOW_FREE_COMPONENTS


def stand_in_suits(model: Optional[Path]) -> bool:
    """Whether serving ``model`` (a ``--model`` argument) can do with the stand-in; logs why not."""
    if not rasa_internals.enabled(PIECE):
        return False
    try:
        archive = served_archive(model)
        unknown = components_not_known_tensorflow_free(archive)
    except Exception as error:  # no model or an unreadable archive: Rasa reports it, with TensorFlow
        logger.warning("tf_free: TensorFlow is imported: the model could not be read (%s)", error)
        return False
    if unknown:
        logger.warning(
            "tf_free: TensorFlow is imported: %s uses components not known to be TensorFlow-free: %s",
            archive,
            ", ".join(sorted(unknown)),
        )
        return False
    return True
