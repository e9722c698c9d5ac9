"""The referral action's exceptions, for a message the trained detector alone took for a
symptom: one that names a thing of another subject and no skin gets the out-of-scope reply;
one that asks about pores and uses no word of a sign is answered (a red-flag rule's finding
always refers)."""

from pathlib import Path
from typing import Iterator

import pytest
import yaml

from actions.referral import about_another_subject, asks_about_pores_only
from safety.red_flags import detect

TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "text",
    [
        "paint on my bathroom ceiling is peeling off in big flakes, can i just go over it",
        "my new scuba mask keeps fogging up, do i need to burn the lens or something?",
    ],
)
def test_another_subject_without_skin_is_not_a_symptom(text: str) -> None:
    assert about_another_subject(text)


@pytest.mark.parametrize(
    "text",
    [
        "my cheek has been peeling off in flakes since the new cream",
        "I was painting the ceiling and now the skin on my hands is cracked and bleeding",
    ],
)
def test_a_message_naming_skin_is_never_set_aside(text: str) -> None:
    assert not about_another_subject(text)


def test_a_rule_finding_is_not_second_guessed() -> None:
    # The action checks the rules first: this message names a car, but the rules refer it.
    text = "fixing my car all day and now there is a blister on my cheek that keeps oozing"
    assert detect(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "started night shifts in march and my forehead pores look way more open now, related?",
        "turned 40 and the pores on my cheeks went from round to long, is that age?",
        "야간 근무 시작하고 나서 모공이 더 넓어진 것 같은데 상관있어요?",
    ],
)
def test_a_story_about_pores_changing_is_answered(text: str) -> None:
    assert detect(text) is None and asks_about_pores_only(text)


def _symptom_posts() -> Iterator[str]:
    """Every symptom post of the red-flag dev set and every held-out turn that must be referred."""
    cases = yaml.safe_load((TESTS / "unit" / "red_flag_cases.yml").read_text(encoding="utf-8"))
    for items in cases["symptoms"].values():
        yield from (item["text"] if isinstance(item, dict) else item for item in items)
    for path in sorted((TESTS / "eval").glob("conversations*.yml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            yield from (
                turn["user"] for turn in conversation["turns"] if "referral" in (turn["expect"].get("says") or [])
            )


def test_no_symptom_post_is_answered_even_without_a_rule() -> None:
    answered = [text for text in _symptom_posts() if asks_about_pores_only(text)]
    assert answered == []
