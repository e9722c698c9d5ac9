"""An intent classifier without TensorFlow: tf-idf word and character n-grams, logistic regression.

Why not DIET: importing TensorFlow costs the Rasa server ~430 MB and several seconds, and
DIET ~10 ms a message (README, "Performance"). Why not Rasa's own
``LogisticRegressionClassifier``: it fits on the raw token counts of the featurizers with
scikit-learn's default regularisation and 100 iterations, which leaves most confidences
under the fallback threshold. Here the text is weighted by tf-idf (sublinear, L2-normalised,
so a long message is not more confident than a short one) and the regularisation is chosen
by cross-validation on the NLU data (``python -m tests.eval.cross_validate_intents``).

Character n-grams within words carry typos and Korean, whose particles attach to the noun
("각질팩은"); word n-grams carry phrasing ("how often").
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Union

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from scipy.special import expit, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

MODEL_NAME = "intent_model"


@dataclass
class IntentModel:
    """Two tf-idf vectorizers side by side, then logistic regression.

    Not a scikit-learn ``Pipeline`` of a ``FeatureUnion``: that runs each message through
    joblib's parallel machinery, which took most of the classifier's time per message.
    """

    words: TfidfVectorizer
    characters: TfidfVectorizer
    classifier: LogisticRegression

    @classmethod
    def untrained(cls, config: Dict[Text, Any]) -> "IntentModel":
        return cls(
            words=TfidfVectorizer(
                analyzer="word",
                ngram_range=(1, config["max_word_ngram"]),
                sublinear_tf=True,
                token_pattern=r"(?u)\b\w+\b",
            ),
            characters=TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(config["min_char_ngram"], config["max_char_ngram"]),
                sublinear_tf=True,
            ),
            classifier=LogisticRegression(
                C=config["C"],
                class_weight="balanced",
                max_iter=config["max_iter"],
                random_state=config["random_state"],
            ),
        )

    def fit(self, texts: Sequence[Text], intents: Union[Sequence[Text], np.ndarray]) -> "IntentModel":
        features = hstack([self.words.fit_transform(texts), self.characters.fit_transform(texts)]).tocsr()
        self.classifier.fit(features, intents)
        return self

    def predict_proba(self, texts: Sequence[Text]) -> np.ndarray:
        """One row per text, one column per intent in ``intents`` order."""
        features = hstack([self.words.transform(texts), self.characters.transform(texts)]).tocsr()
        return self.classifier.predict_proba(features)

    @property
    def intents(self) -> List[Text]:
        return [str(intent) for intent in self.classifier.classes_]


class OneTextScorer:
    """A fitted ``IntentModel`` for one text at a time, as plain arrays.

    scikit-learn spends about 1.7 ms on a one-message batch (input checks and building sparse
    matrices, three times), a fifth of the Rasa server's work per message. This does the same
    arithmetic: each vectorizer's own analyzer, 1 + log of the counts (``sublinear_tf``),
    times idf, L2-normalised; then the logistic regression's softmax (several classes) or
    sigmoid (two). tests/unit/test_tfidf_classifier.py checks that it gives scikit-learn's
    probabilities for every NLU example.

    It is also what the model archive holds: arrays in an ``.npz`` read with
    ``allow_pickle=False`` and the vocabularies in JSON, so a tampered model file can hold
    numbers and strings but nothing that runs (and loading it needs no type scan, which
    took skops 1.5 s of every start-up).
    """

    def __init__(
        self,
        analyzer_params: List[Dict[str, Any]],
        vocabularies: List[Dict[str, int]],
        idfs: List[np.ndarray],
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: List[Text],
    ) -> None:
        self.classes = list(classes)
        self._analyzer_params = analyzer_params
        self._vectorizers = []
        offset = 0
        for params, vocabulary, idf in zip(analyzer_params, vocabularies, idfs):
            analyze = TfidfVectorizer(**params).build_analyzer()
            self._vectorizers.append((analyze, vocabulary, idf, offset))
            offset += len(vocabulary)
        self._coef = coef
        self._weights = np.ascontiguousarray(coef.T)
        self._intercept = intercept

    @staticmethod
    def supports(model: IntentModel) -> bool:
        """Softmax over several classes fitted multinomial (lbfgs, the default), or two classes;
        sublinear tf, idf, L2 norm (as ``IntentModel.untrained`` makes them)."""
        classifier = model.classifier
        vectorizers = (model.words, model.characters)
        return (
            len(classifier.classes_) == 2
            or (classifier.multi_class in ("auto", "multinomial") and classifier.solver != "liblinear")
        ) and all(v.sublinear_tf and v.use_idf and v.norm == "l2" for v in vectorizers)

    @classmethod
    def from_model(cls, model: IntentModel) -> "OneTextScorer":
        if not cls.supports(model):
            raise ValueError("OneTextScorer does the arithmetic of IntentModel.untrained's settings only")
        vectorizers = (model.words, model.characters)
        return cls(
            analyzer_params=[
                {"analyzer": v.analyzer, "ngram_range": list(v.ngram_range), "token_pattern": v.token_pattern}
                for v in vectorizers
            ],
            vocabularies=[{gram: int(index) for gram, index in v.vocabulary_.items()} for v in vectorizers],
            idfs=[v.idf_ for v in vectorizers],
            coef=model.classifier.coef_,
            intercept=model.classifier.intercept_,
            classes=model.intents,
        )

    def save(self, directory: Path, name: str) -> None:
        np.savez(
            directory / f"{name}.arrays.npz",
            coef=self._coef,
            intercept=self._intercept,
            **{f"idf_{i}": idf for i, (_, _, idf, _) in enumerate(self._vectorizers)},
        )
        description = {
            "classes": self.classes,
            "analyzers": self._analyzer_params,
            "vocabularies": [vocabulary for _, vocabulary, _, _ in self._vectorizers],
        }
        (directory / f"{name}.vocabulary.json").write_text(
            json.dumps(description, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path, name: str) -> "OneTextScorer":
        """Raises ValueError on a file holding anything but numbers (``allow_pickle=False``)."""
        description = json.loads((directory / f"{name}.vocabulary.json").read_text(encoding="utf-8"))
        with np.load(directory / f"{name}.arrays.npz", allow_pickle=False) as arrays:
            idfs = [arrays[f"idf_{i}"] for i in range(len(description["analyzers"]))]
            coef, intercept = arrays["coef"], arrays["intercept"]
        if any(array.dtype.kind != "f" for array in (coef, intercept, *idfs)):
            raise ValueError(f"{name}: the model's arrays must hold floating-point numbers")
        return cls(description["analyzers"], description["vocabularies"], idfs, coef, intercept, description["classes"])

    def predict_proba(self, text: Text) -> np.ndarray:
        """One probability per class, in ``classes`` order."""
        scores = self._intercept.copy()
        for analyze, vocabulary, idf, offset in self._vectorizers:
            counts = Counter(index for gram in analyze(text) if (index := vocabulary.get(gram)) is not None)
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[indices]
            weights /= np.linalg.norm(weights)
            scores += weights @ self._weights[indices + offset]
        if len(self.classes) == 2:
            second = float(expit(scores[0]))
            return np.array([1.0 - second, second])
        return softmax(scores)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(IntentClassifier, GraphComponent):
    """Predicts the intent from the message text; needs no tokenizer or featurizer before it."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 30.0,
            "max_word_ngram": 2,
            "min_char_ngram": 1,
            "max_char_ngram": 5,
            "max_iter": 3000,
            "random_state": 42,
            "ranking_length": 10,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        scorer: Optional[OneTextScorer] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._scorer = scorer  # None until trained or loaded

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        model = IntentModel.untrained(self._config).fit(
            [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples]
        )
        self._scorer = OneTextScorer.from_model(model)
        with self._model_storage.write_to(self._resource) as directory:
            self._scorer.save(directory, MODEL_NAME)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TfidfIntentClassifier":
        with model_storage.read_from(resource) as directory:
            scorer = OneTextScorer.load(directory, MODEL_NAME)
        return cls(config, model_storage, resource, scorer)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._scorer is None:
            return messages
        for message in messages:
            probabilities = self._scorer.predict_proba(message.get(TEXT) or "")
            scored = sorted(zip(self._scorer.classes, map(float, probabilities)), key=lambda pair: -pair[1])
            ranking = [{"name": name, "confidence": confidence} for name, confidence in scored]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: self._config["ranking_length"]], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
