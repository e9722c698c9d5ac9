"""The one spaCy pipeline the project uses, built offline.

No downloaded model: a blank English pipeline with a rule-based sentencizer and the lookup
lemmatizer, whose tables come from the ``spacy-lookups-data`` package on PyPI.
"""

import re
from functools import lru_cache
from typing import List, Tuple

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from knowledge.text_cache import text_cache

# Where Latin letters meet Hangul in one word ("AHA나", "pores한테는": a Korean particle on an
# English word): the two are words of their own.
SCRIPT_BOUNDARY = re.compile(r"(?<=[A-Za-z])(?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])(?=[A-Za-z])")

# Lemmas that carry no meaning for retrieval. spaCy's list, plus chat filler.
_EXTRA_STOP_WORDS = {"?", "!", ".", ",", "pls", "please", "hi", "hey", "thanks", "'s", "’s"}


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The shared pipeline: tokenizer, sentencizer, lookup lemmatizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def content_lemmas(text: str) -> List[str]:
    """Lower-cased lemmas of the words in ``text`` that carry meaning."""
    return list(_content_lemmas(text))


@text_cache(maxsize=1024)
def _content_lemmas(text: str) -> Tuple[str, ...]:
    """Cached: answering one message asks for the same text's lemmas several times (topic
    ranking, suggestions, the domain gate), and each spaCy run costs a tenth of a millisecond."""
    doc = pipeline()(SCRIPT_BOUNDARY.sub(" ", text).lower())
    return tuple(
        token.lemma_
        for token in doc
        if not (token.is_stop or token.is_punct or token.is_space)
        and token.lemma_ not in _EXTRA_STOP_WORDS
        and token.lemma_ not in STOP_WORDS  # "makes" is no stop word, its lemma "make" is
    )


@text_cache(maxsize=1024)
def thing_words(text: str) -> Tuple[str, ...]:
    """The lower-cased words of ``text`` as a thing would be named: a plural as its singular
    ("tomatoes", "tires"), every other word as written. The lookup lemmatizer knows no part of
    speech, so a verb's or adjective's lemma may be a noun ("tired" gives "tire"); only a word
    ending in s is taken back to its lemma."""
    doc = pipeline()(SCRIPT_BOUNDARY.sub(" ", text).lower())
    return tuple(
        token.lemma_ if token.lower_.endswith("s") else token.lower_
        for token in doc
        if not (token.is_punct or token.is_space)
    )
