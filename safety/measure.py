"""Referral and false-referral rates on the red-flag dev set (tests/unit/red_flag_cases.yml).

    .venv/bin/python -m safety.measure [--model models/pore-care.tar.gz] [--cases FILE] [--show]

Two columns: the deterministic detector alone (``safety.red_flags.detect``), and the trained
model's NLU (a message is referred when its intent is ``report_symptom``, which is what the
rule sends to ``action_refer_dermatologist``). For symptom posts marked ``urgent`` it also
counts how many the referral would call urgent (the detector's urgency; the action re-runs
it). ``--show`` lists every miss and every false referral.
"""

import argparse
import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from safety.red_flags import PROJECT, detect

CASES = PROJECT / "tests" / "unit" / "red_flag_cases.yml"
MODEL = PROJECT / "models" / "pore-care.tar.gz"
SYMPTOM_INTENT = "report_symptom"


def load_cases(path: Path = CASES) -> Dict[str, Dict[str, List[Dict[str, Any]]]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        group: {
            language: [item if isinstance(item, dict) else {"text": item} for item in items]
            for language, items in raw[group].items()
        }
        for group in ("symptoms", "ordinary")
    }


def model_parser(model: Path) -> Any:
    from rasa_internals import tf_free

    # Without TensorFlow when the model needs none (as the server runs it; README, "Performance").
    suits = getattr(tf_free, "stand_in_suits", None)
    if suits is not None and suits(model):
        tf_free.install()
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    def parse(text: str) -> Dict[str, Any]:
        return asyncio.run(agent.parse_message(text))

    return parse


def rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100.0 * hits / total:.0f}%)" if total else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--no-model", action="store_true", help="detector only")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()

    cases = load_cases(args.cases)
    parse: Optional[Any] = None if args.no_model else model_parser(args.model)
    problems: List[str] = []

    def referred_by_model(text: str) -> bool:
        return parse is not None and parse(text)["intent"]["name"] == SYMPTOM_INTENT

    print(f"{'':34} {'detector':>14} {'model NLU':>14}")
    for language, items in cases["symptoms"].items():
        by_detector = by_model = urgent_right = 0
        urgent_total = sum(1 for c in items if c.get("urgent"))
        for case in items:
            finding = detect(case["text"])
            by_detector += finding is not None
            model_hit = referred_by_model(case["text"])
            by_model += model_hit
            if case.get("urgent"):
                urgent_right += bool(finding and finding.urgent)
            if not model_hit and parse is not None:
                problems.append(f"MISSED ({language}): {case['text']}")
            if bool(case.get("urgent")) != bool(finding and finding.urgent):
                problems.append(
                    f"URGENCY ({language}, expected {'urgent' if case.get('urgent') else 'soon'}): {case['text']}"
                )
        model_rate = rate(by_model, len(items)) if parse else "-"
        print(f"{'symptom posts referred, ' + language:34} {rate(by_detector, len(items)):>14} {model_rate:>14}")
        print(f"{'  urgent ones called urgent, ' + language:34} {rate(urgent_right, urgent_total):>14}")
    all_ordinary = 0
    all_false_detector = all_false_model = 0
    for language, items in cases["ordinary"].items():
        false_detector = false_model = 0
        for case in items:
            finding = detect(case["text"])
            false_detector += finding is not None
            model_hit = referred_by_model(case["text"])
            false_model += model_hit
            if finding is not None or model_hit:
                problems.append(
                    f"FALSE REFERRAL ({language}, {finding.sign if finding else 'classifier'}): {case['text']}"
                )
        all_ordinary += len(items)
        all_false_detector += false_detector
        all_false_model += false_model
        model_rate = rate(false_model, len(items)) if parse else "-"
        print(
            f"{'ordinary questions referred, ' + language:34} {rate(false_detector, len(items)):>14} {model_rate:>14}"
        )
    model_rate = rate(all_false_model, all_ordinary) if parse else "-"
    print(f"{'false-referral rate, all':34} {rate(all_false_detector, all_ordinary):>14} {model_rate:>14}")
    if args.show:
        print("\n".join(problems) or "no misses, no false referrals")


if __name__ == "__main__":
    main()
