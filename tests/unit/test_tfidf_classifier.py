"""The TensorFlow-free intent classifier: trains, persists, loads the same, refuses foreign files."""

from pathlib import Path
from typing import List

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.tfidf_classifier import MODEL_NAME, IntentModel, OneTextScorer, TfidfIntentClassifier
from rasa_internals import tf_free

PROJECT = Path(__file__).resolve().parents[2]
CONFIG = PROJECT / "config.yml"
EXAMPLES = {
    "greet": ["hello", "hi there", "good morning", "hey", "안녕하세요"],
    "ask_frequency": [
        "how often should I exfoliate",
        "how many times a week do I use a mask",
        "how frequently can I use vitamin c",
        "how often for the clay mask",
        "각질팩 얼마나 자주",
    ],
    "report_symptom": [
        "my mole is bleeding",
        "a rash is spreading on my face",
        "my skin is swollen and hot",
        "the cut on my cheek won't heal",
        "피가 나요",
    ],
}


def training_data() -> TrainingData:
    return TrainingData(
        [Message.build(text=text, intent=intent) for intent, texts in EXAMPLES.items() for text in texts]
    )


def ranking(classifier: TfidfIntentClassifier, text: str) -> List[dict]:
    message = Message.build(text=text)
    classifier.process([message])
    return message.get("intent_ranking")


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name="intent_classifier")


def trained(storage: LocalModelStorage, resource: Resource) -> TfidfIntentClassifier:
    classifier = TfidfIntentClassifier.create({}, storage, resource, context())
    classifier.train(training_data())
    return classifier


def test_predicts_unseen_wording_and_typos(storage: LocalModelStorage) -> None:
    classifier = trained(storage, Resource("intents"))
    assert ranking(classifier, "how oftn should i exfoliate?")[0]["name"] == "ask_frequency"
    assert ranking(classifier, "hello!!")[0]["name"] == "greet"
    assert ranking(classifier, "각질팩은 얼마나 자주 해요")[0]["name"] == "ask_frequency"


def test_ranking_is_a_sorted_probability_distribution(storage: LocalModelStorage) -> None:
    classifier = trained(storage, Resource("intents"))
    message = Message.build(text="how often should I use a mask")
    classifier.process([message])
    confidences = [intent["confidence"] for intent in message.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert message.get("intent") == message.get("intent_ranking")[0]


def test_loaded_classifier_predicts_exactly_as_trained(storage: LocalModelStorage) -> None:
    resource = Resource("intents")
    classifier = trained(storage, resource)
    loaded = TfidfIntentClassifier.load({}, storage, resource, context())
    for text in ["how often do I exfoliate", "hi", "my mole bled", "what is a clay mask?", ""]:
        assert ranking(loaded, text) == ranking(classifier, text)


def test_untrained_classifier_leaves_messages_alone(storage: LocalModelStorage) -> None:
    classifier = TfidfIntentClassifier.create({}, storage, Resource("intents"), context())
    message = Message.build(text="hello")
    classifier.process([message])
    assert message.get("intent") is None


def test_refuses_a_model_file_holding_anything_but_numbers(storage: LocalModelStorage) -> None:
    """A pickled object in the arrays could run code when loaded: the load refuses it."""
    resource = Resource("intents")
    trained(storage, resource)
    with storage.write_to(resource) as directory:
        arrays = dict(np.load(directory / f"{MODEL_NAME}.arrays.npz"))
        np.savez(directory / f"{MODEL_NAME}.arrays.npz", **{**arrays, "coef": np.array([object()], dtype=object)})
    with pytest.raises(ValueError):
        TfidfIntentClassifier.load({}, storage, resource, context())


def test_one_text_scorer_gives_scikit_learns_probabilities() -> None:
    """The fast path used at run time against scikit-learn, on every NLU example and odd input."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples = [m for m in load_data(str(PROJECT / "data" / "nlu")).intent_examples if m.get("text")]
    texts = [m.get("text") for m in examples]
    model = IntentModel.untrained(TfidfIntentClassifier.get_default_config()).fit(
        texts, [m.get("intent") for m in examples]
    )
    scorer = OneTextScorer.from_model(model)
    probes = texts + ["", "???", "zzzz qqqq", "HOW OFTEN???", "각질팩은 일주일에 몇 번?", "a " * 300]
    expected = model.predict_proba(probes)
    for text, reference in zip(probes, expected):
        assert scorer.predict_proba(text) == pytest.approx(reference, abs=1e-12)
    # Two classes (the symptom paraphrase detector): a sigmoid, not a softmax.
    labels = ["symptom" if m.get("intent") == "report_symptom" else "other" for m in examples]
    binary = IntentModel.untrained(TfidfIntentClassifier.get_default_config()).fit(texts, labels)
    binary_scorer = OneTextScorer.from_model(binary)
    for text, reference in zip(probes, binary.predict_proba(probes)):
        assert binary_scorer.predict_proba(text) == pytest.approx(reference, abs=1e-12)


def test_configured_pipeline_needs_no_tensorflow() -> None:
    """The server's speed and memory (README, "Performance") rest on this."""
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.data import TrainingType

    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    graphs = Recipe.recipe_for_name(config.get("recipe")).graph_config_for_recipe(
        config, {}, training_type=TrainingType.BOTH
    )
    components = {
        node["uses"]
        for schema in (graphs.train_schema, graphs.predict_schema)
        for node in schema.as_dict()["nodes"].values()
    }
    assert "nlu_components.tfidf_classifier.TfidfIntentClassifier" in components
    assert components <= tf_free.TENSORFLOW_FREE_COMPONENTS, sorted(components - tf_free.TENSORFLOW_FREE_COMPONENTS)
