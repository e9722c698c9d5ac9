"""nlu_components/tokenizer.py against Rasa's own WhitespaceTokenizer."""

import re
from pathlib import Path
from typing import List

import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

import rasa_internals
from nlu_components.tokenizer import HangulSafeWhitespaceTokenizer

PROJECT = Path(__file__).resolve().parents[2]
HANGUL = re.compile("[\uac00-\ud7a3]")
EMOJI_PROBES = ["I love it 😀", "🔥🔥 pores 🔥", "thanks 👍🏽", "flag 🇰🇷 here", "☀️ sunscreen?", ":) :(", "😀"]


def words(tokenizer: WhitespaceTokenizer, text: str) -> List[str]:
    return [token.text for token in tokenizer.tokenize(Message({TEXT: text}), TEXT)]


@pytest.fixture(scope="module")
def nlu_texts() -> List[str]:
    examples = load_data(str(PROJECT / "data" / "nlu")).intent_examples
    return [example.get(TEXT) for example in examples if example.get(TEXT)]


def test_without_hangul_the_tokens_are_rasas(nlu_texts: List[str]) -> None:
    ours = HangulSafeWhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    rasas = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    texts = [text for text in nlu_texts if not HANGUL.search(text)] + EMOJI_PROBES
    assert len(texts) > 100
    assert [words(ours, text) for text in texts] == [words(rasas, text) for text in texts]
    assert words(ours, "I love it 😀") == ["I", "love", "it"]


def test_hangul_words_are_kept_where_rasa_drops_them(nlu_texts: List[str]) -> None:
    ours = HangulSafeWhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    rasas = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    korean = [text for text in nlu_texts if HANGUL.search(text)] + ["각질팩은 일주일에 몇 번?"]
    for text in korean:
        # every Hangul syllable of the text is in a token, in order
        assert HANGUL.findall(" ".join(words(ours, text))) == HANGUL.findall(text), text
    assert words(ours, "각질팩 collagen mask") == ["각질팩", "collagen", "mask"]
    assert words(rasas, "각질팩 collagen mask") == ["collagen", "mask"]  # the bug this component exists for


def test_switched_off_it_is_rasas_tokenizer(monkeypatch) -> None:
    monkeypatch.setenv(rasa_internals.DISABLE_VARIABLE, "hangul_safe_tokenizer")
    switched_off = HangulSafeWhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    assert words(switched_off, "각질팩 collagen mask") == ["collagen", "mask"]
