"""Cross-validate the intent classifier on the NLU training data, to choose its settings.

    python -m tests.eval.cross_validate_intents [--C 10 30 100]

Stratified 5-fold cross-validation of ``TfidfIntentClassifier`` as config.yml sets it up, for
each regularisation strength given. Uses the training examples only (never the held-out
conversations in tests/eval, which judge the result). Prints, per setting:

- intent accuracy, and accuracy over the dialogue's coarse outcomes (every ``ask_*`` intent
  and ``inform_topic`` lead to the same answer action, so confusing them costs nothing);
- the share of examples under the FallbackClassifier threshold (those lose follow-up context);
- for ``report_symptom`` as config.yml's RedFlagOverride decides it (patterns, or the
  classifier above ``classifier_min_confidence``): symptoms missed and false referrals.
"""

import argparse
import re
from typing import Any, Dict, List, Sequence

import numpy as np
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.model_selection import StratifiedKFold

from nlu_components.tfidf_classifier import IntentModel, TfidfIntentClassifier
from tests.servers import PROJECT

SYMPTOM = "report_symptom"


def component_config(pipeline: List[Dict[str, Any]], suffix: str) -> Dict[str, Any]:
    return next(step for step in pipeline if step["name"].endswith(suffix))


def coarse(intent: str) -> str:
    return "question" if intent.startswith("ask_") or intent == "inform_topic" else intent


def cross_validated_probabilities(config: Dict[str, Any], texts: Sequence[str], intents: np.ndarray) -> np.ndarray:
    probabilities = np.zeros((len(texts), len(set(intents))))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, intents):
        model = IntentModel.untrained(config).fit([texts[i] for i in train], intents[train])
        probabilities[test] = model.predict_proba([texts[i] for i in test])
    return probabilities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--C", type=float, nargs="+", help="regularisation strengths (default: config.yml's)")
    args = parser.parse_args()
    pipeline = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    classifier_config = {
        **TfidfIntentClassifier.get_default_config(),
        **component_config(pipeline, "TfidfIntentClassifier"),
    }
    fallback_threshold = component_config(pipeline, "FallbackClassifier")["threshold"]
    red_flags = component_config(pipeline, "RedFlagOverride")
    patterns = [re.compile(p, re.IGNORECASE) for p in red_flags["patterns"]]

    examples = [m for m in load_data(str(PROJECT / "data" / "nlu")).intent_examples if m.get("text")]
    texts = [m.get("text") for m in examples]
    intents = np.array([m.get("intent") for m in examples])
    labels = np.array(sorted(set(intents)))
    pattern_hit = np.array([any(p.search(text) for p in patterns) for text in texts])
    print(f"{len(texts)} examples, {len(labels)} intents; fallback threshold {fallback_threshold}")
    print(
        f"{'C':>6} {'intent acc':>10} {'coarse acc':>10} {'under fallback':>14} "
        f"{'symptom missed':>14} {'false referral':>14}"
    )
    for strength in args.C or [classifier_config["C"]]:
        probabilities = cross_validated_probabilities({**classifier_config, "C": strength}, texts, intents)
        predicted = labels[probabilities.argmax(axis=1)]
        confidence = probabilities.max(axis=1)
        coarse_right = np.array([coarse(p) == coarse(t) for p, t in zip(predicted, intents)])
        referred = pattern_hit | ((predicted == SYMPTOM) & (confidence >= red_flags["classifier_min_confidence"]))
        is_symptom = intents == SYMPTOM
        print(
            f"{strength:>6g} {np.mean(predicted == intents):>10.3f} {coarse_right.mean():>10.3f} "
            f"{np.mean(confidence < fallback_threshold):>14.3f} "
            f"{np.sum(is_symptom & ~referred):>6}/{is_symptom.sum():<7} "
            f"{np.sum(~is_symptom & referred):>6}/{(~is_symptom).sum():<7}"
        )


if __name__ == "__main__":
    main()
