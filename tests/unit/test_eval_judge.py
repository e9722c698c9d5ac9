"""The held-out evaluation's judge (tests/eval/run_eval.py): what makes a turn pass."""

import texts
from tests.eval.run_eval import reply_kinds, turn_passes


def test_thanks_and_goodbye_replies_are_small_talk_like_the_greeting() -> None:
    for key in ("greet", "you_are_welcome", "goodbye"):
        for language in ("en", "ko"):
            assert "greeting" in reply_kinds(texts.say(key, language))


def test_none_of_is_about_the_answer_not_the_fixed_out_of_scope_reply() -> None:
    out_of_scope = texts.say("out_of_scope", "en")
    assert "collagen mask" in out_of_scope.lower()
    assert turn_passes({"says": ["out_of_scope"], "none_of": ["collagen mask"]}, out_of_scope)
    answer = "A collagen mask helps.\n" + texts.say("source_line", "en", titles="“Why pores matter”")
    assert not turn_passes({"none_of": ["collagen mask"]}, answer)


def test_none_of_still_reads_the_words_an_answer_shares_with_short_templates() -> None:
    assert not turn_passes({"none_of": ["AHA and BHA"]}, "Try AHA and BHA together.")
    assert not turn_passes({"none_of": ["dermatologist"]}, texts.say("referral_soon", "en"))
