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

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Union

import numpy as np
import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from scipy.special import softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

MODEL_FILE = "intent_model.skops"
# Beyond what skops trusts by default, a fitted model holds these (TfidfVectorizer's idf
# diagonal). skops refuses to load a file holding any other type.
TRUSTED_TYPES = ["scipy.sparse._csr.csr_matrix"]


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
    """``IntentModel.predict_proba`` for one text, without scikit-learn's per-call overhead.

    scikit-learn spends about 1.7 ms on a one-message batch (input checks and building sparse
    matrices, three times), a fifth of the Rasa server's work per message. This does the same
    arithmetic on the fitted vectorizers and classifier: each vectorizer's own analyzer, 1 +
    log of the counts (``sublinear_tf``), times idf, L2-normalised; then the multinomial
    logistic regression's softmax. tests/unit/test_tfidf_classifier.py checks that it gives
    scikit-learn's probabilities for every NLU example.
    """

    def __init__(self, model: IntentModel) -> None:
        self._vectorizers = []
        offset = 0
        for vectorizer in (model.words, model.characters):
            self._vectorizers.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)
        self._weights = np.ascontiguousarray(model.classifier.coef_.T)
        self._intercept = model.classifier.intercept_

    @staticmethod
    def supports(model: IntentModel) -> bool:
        """Softmax probabilities: more than two intents, fitted multinomial (lbfgs, the default)."""
        classifier = model.classifier
        return (
            len(classifier.classes_) > 2
            and classifier.multi_class in ("auto", "multinomial")
            and classifier.solver != "liblinear"
        )

    def predict_proba(self, text: Text) -> np.ndarray:
        scores = self._intercept.copy()
        for analyze, vocabulary, idf, offset in self._vectorizers:
            counts = Counter(index for gram in analyze(text) if (index := vocabulary.get(gram)) is not None)
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[indices]
            weights /= np.linalg.norm(weights)
            scores += weights @ self._weights[indices + offset]
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
        return ["sklearn", "skops"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: IntentModel,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._scorer: Optional[OneTextScorer] = None
        self._intents: List[Text] = []
        self._trained = False

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TfidfIntentClassifier":
        config = {**cls.get_default_config(), **config}
        return cls(config, model_storage, resource, IntentModel.untrained(config))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        self._model.fit([m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples])
        self._ready()
        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(asdict(self._model), directory / MODEL_FILE)
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
        config = {**cls.get_default_config(), **config}
        with model_storage.read_from(resource) as directory:
            path = directory / MODEL_FILE
            model = IntentModel(**sio.load(path, trusted=TRUSTED_TYPES))
        component = cls(config, model_storage, resource, model)
        component._ready()
        return component

    def _ready(self) -> None:
        self._trained = True
        self._intents = self._model.intents  # once, not per message
        self._scorer = OneTextScorer(self._model) if OneTextScorer.supports(self._model) else None

    def _probabilities(self, texts: List[Text]) -> Iterable[np.ndarray]:
        if self._scorer is None:
            return self._model.predict_proba(texts)
        return (self._scorer.predict_proba(text) for text in texts)

    def process(self, messages: List[Message]) -> List[Message]:
        if not self._trained:
            return messages
        texts = [message.get(TEXT) or "" for message in messages]
        for message, probabilities in zip(messages, self._probabilities(texts)):
            scored = sorted(zip(self._intents, map(float, probabilities)), key=lambda pair: -pair[1])
            ranking = [{"name": name, "confidence": confidence} for name, confidence in scored]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: self._config["ranking_length"]], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
