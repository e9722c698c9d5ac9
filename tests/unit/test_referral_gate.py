"""The referral action's one exception: a message the trained detector alone took for a symptom
that names a thing of another subject and no skin gets the out-of-scope reply (a red-flag
rule's finding always refers)."""

import pytest

from actions.referral import about_another_subject
from safety.red_flags import detect


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
