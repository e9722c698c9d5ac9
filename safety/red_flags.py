"""The deterministic red-flag detector: does a message describe something a doctor should see?

One plain function, ``detect(text) -> Optional[Finding]``, used by the NLU (the
``RedFlagOverride`` component forces ``report_symptom`` on a finding) and by the action
server (the referral re-runs it to choose between "see a dermatologist soon" and "urgent
care now"). No model, no statistics: the patterns and cue lists are data, in
``data/red_flags.yml``, grouped by sign, each sign with the reason it is a red flag; a
curator reviews that file, not this one. README, "Red flags" explains the signs.

How a message is matched:

- English patterns run on the message lower-cased, with typographic apostrophes made plain,
  runs of white space made one space, and Latin letters split from Hangul where the two meet
  in one word ("rash가 번졌어요" reads "rash 가 번졌어요").
- Korean patterns run on the message with **all white space removed**, so "피가 나요",
  "피가나요" and "피 가 나 요" are the same text, and also on the message as written, where a
  word boundary still shows ("다시 점이": 점 is a word there, not the end of 다시점); the
  patterns match stems ("부었", "부어", "붓고"), so 반말, 존댓말 and noun-style endings
  (부었어 / 부었어요 / 부음) all match.
- A pattern may use a cue list by name, ``<<name>>``: the cue's alternatives joined into one
  non-capturing group (cues are defined per language in the same file).
- A sign may list ``unless`` patterns (the worry question ignores a message about teeth or
  a headache), which cancel only a match of their own language.
- A symptom named only to say it is absent ("no rash", "nothing hurts", "발진은 없고") does not
  count: the file's ``absent`` patterns read the words just before a short English match and
  just after a short Korean one (``Absence``). Another match of the same sign, even one
  overlapping it, or another sign, still counts ("no rash but my eyelids are swollen").
  Nothing else can stop a sign that matched.

The finding's urgency is ``urgent`` when any sign of the urgent subset matched (fever, fast
spreading, trouble breathing or a swelling tongue or throat, a burn or open wound after a
treatment, red streaks), otherwise ``soon``.
"""

import re
import sre_constants
import sre_parse
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Pattern, Tuple

import yaml

PROJECT = Path(__file__).resolve().parent.parent
RULES_PATH = PROJECT / "data" / "red_flags.yml"
URGENT = "urgent"
SOON = "soon"
LANGUAGES = ("en", "ko")
CUE = re.compile(r"<<(\w+)>>")
# Where Latin letters meet Hangul in one word ("rash가", "pus나와요").
SCRIPT_BOUNDARY = re.compile(r"(?<=[A-Za-z])(?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])(?=[A-Za-z])")
SPACES = re.compile(r"\s+")
SENTENCE_END = re.compile(r"[.?!]")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


@dataclass(frozen=True)
class Finding:
    """What was found: the first urgent sign that matched, else the first sign."""

    sign: str  # id of the sign in data/red_flags.yml, e.g. "mole_change"
    urgency: str  # "urgent" or "soon"
    why: str  # the sign's one-line reason, for logs and curators
    language: str  # the language of the pattern that matched: "en" or "ko"
    matched: str  # the matched part of the (normalised) message
    signs: Tuple[str, ...] = field(default=())  # every sign that matched, in file order

    @property
    def urgent(self) -> bool:
        return self.urgency == URGENT

    def as_dict(self) -> Dict[str, object]:
        return {
            "sign": self.sign,
            "urgency": self.urgency,
            "language": self.language,
            "matched": self.matched,
            "signs": list(self.signs),
        }


@dataclass(frozen=True)
class Sign:
    id: str
    why: str
    urgency: str
    patterns: Dict[str, Tuple[Pattern[str], ...]]
    unless: Dict[str, Tuple[Pattern[str], ...]]
    absent: "Absence"

    def search(self, texts: Dict[str, str], scripts: Tuple[str, ...] = LANGUAGES) -> Optional[Tuple[str, str]]:
        """(language, matched text) of the first pattern that matches, or None. ``scripts``: the
        languages whose letters the message has; a pattern that cannot match without them
        (``Detector``) is not tried on a message that has none."""
        for language in LANGUAGES:
            for pattern in self.patterns.get(language, ()):
                if language not in scripts and _needs_letters_of(language, pattern):
                    continue
                for text in _texts_for(language, texts):
                    match = _first_present(pattern, text, self.absent, language)
                    if match:
                        if self._excluded(texts, language):
                            return None
                        return language, match.group(0)
        return None

    def _excluded(self, texts: Dict[str, str], language: str) -> bool:
        """Whether an ``unless`` pattern of the language that matched cancels the match: an
        English "at first" or "purging" never cancels what a Korean pattern found ("at first는
        괜찮았는데 2주째 계속 가렵고 따가워요")."""
        return any(p.search(text) for p in self.unless.get(language, ()) for text in _texts_for(language, texts))


@dataclass(frozen=True)
class Absence:
    """The words that say a symptom is not there: English before the symptom a match begins or
    ends with ("no rash", "… skin feels normal again, no pain"), Korean right after the match
    ("발진은 없고"). A match that begins with a symptom said to be absent is set aside only when
    that symptom is named alone (a few words, or a sentence of its own): a longer one describes
    something ("no pain or bumps, but this spot has gotten bigger"). One followed by "until" is
    a state that ended ("no rash until this morning")."""

    before: Optional[Pattern[str]] = None  # English, anchored at the end of what precedes
    ended: Optional[Pattern[str]] = None  # English, at the start of what follows the symptom
    after: Optional[Pattern[str]] = None  # Korean, anchored at the end of the match
    max_words: int = 0  # English, of the match up to its first sentence end

    def says(self, language: str, match: "re.Match[str]") -> bool:
        text, start = match.string, match.start()
        if language == "en":
            named = SENTENCE_END.split(match.group(0), maxsplit=1)[0]
            # ... the symptom it begins with, named alone or in a sentence of its own ("no
            # blisters or anything left, skin is fine. but my pores … look bigger")
            alone = len(named.split()) <= self.max_words or len(named) < len(match.group(0))
            if alone and self._negated(text, start) and not self._ended(text, start + len(named)):
                return True
            # ... or the symptom it ends with ("5 days ago … skin feels normal again, no pain")
            last = start + match.group(0).rstrip().rfind(" ") + 1
            return last > start and self._negated(text, last) and not self._ended(text, match.end())
        # Korean: the symptom a match ends with ("…트러블이나 따가운 건 전혀 없어요"); a longer
        # match that only ends so is then tried shorter ("점이 커졌어요 번지는 건 없고요": the spot)
        return bool(self.after and self.after.match(text, match.end(), match.end() + 40))

    def _negated(self, text: str, position: int) -> bool:
        return bool(self.before and self.before.search(text, max(0, position - 80), position))

    def _ended(self, text: str, position: int) -> bool:
        return bool(self.ended and self.ended.match(text, position, position + 40))


def _first_present(pattern: Pattern[str], text: str, absence: Absence, language: str) -> Optional["re.Match[str]"]:
    """The first match of ``pattern`` in ``text`` that is not named only as absent. After one
    that is, a shorter match from the same start is tried ("점이 커졌어요 번지는 건 없고요": the
    spot that grew, not the spreading said to be absent), then the search goes on from the next
    character, so a symptom inside it still counts."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        shorter: Optional["re.Match[str]"] = match
        while shorter is not None and shorter.start() == match.start():
            if not absence.says(language, shorter):
                return shorter
            shorter = pattern.search(text, shorter.start(), shorter.end() - 1)
        position = match.start() + 1
    return None


def _texts_for(language: str, texts: Dict[str, str]) -> Tuple[str, ...]:
    """English: the spaced text. Korean: the space-free text, then the spaced one."""
    return (texts["ko"], texts["en"]) if language == "ko" else (texts["en"],)


class Detector:
    """The signs of one rules file, compiled."""

    def __init__(self, rules: Dict[str, Any]) -> None:
        cues = rules.get("cues") or {}
        absent = rules.get("absent") or {}
        self.absence = Absence(
            before=_compile(f"(?:{absent['en']})$", {}, "absent") if absent.get("en") else None,
            ended=_compile(absent["en_ended"], {}, "absent") if absent.get("en_ended") else None,
            after=_compile(absent["ko"], {}, "absent") if absent.get("ko") else None,
            max_words=int(absent.get("max_words", 0)),
        )
        self.signs: List[Sign] = [self._sign(entry, cues, self.absence) for entry in rules["signs"]]

    @classmethod
    def from_file(cls, path: Path = RULES_PATH) -> "Detector":
        return cls(yaml.safe_load(Path(path).read_text(encoding="utf-8")))

    def detect(self, text: str) -> Optional[Finding]:
        if not text or not text.strip():
            return None
        texts = normalise(text)
        scripts = tuple(language for language in LANGUAGES if LETTERS[language].search(text))
        found: List[Tuple[Sign, str, str]] = []
        for sign in self.signs:
            hit = sign.search(texts, scripts)
            if hit:
                found.append((sign, *hit))
        if not found:
            return None
        urgent = [f for f in found if f[0].urgency == URGENT]
        sign, language, matched = (urgent or found)[0]
        return Finding(
            sign=sign.id,
            urgency=URGENT if urgent else SOON,
            why=sign.why,
            language=language,
            matched=matched,
            signs=tuple(f[0].id for f in found),
        )

    @staticmethod
    def _sign(entry: Dict[str, Any], cues: Dict[str, Dict[str, List[str]]], absence: Absence) -> Sign:
        def compile_all(patterns: Dict[str, Iterable[str]]) -> Dict[str, Tuple[Pattern[str], ...]]:
            """One pattern per language: the sign's patterns as alternatives of one regex, which
            matches where any of them does and costs one search instead of one per pattern."""
            compiled: Dict[str, Tuple[Pattern[str], ...]] = {}
            for language in LANGUAGES:
                checked = [_compile(p, cues.get(language) or {}, entry["id"]) for p in patterns.get(language) or ()]
                alternatives = "|".join(f"(?:{pattern.pattern})" for pattern in checked)
                compiled[language] = (re.compile(alternatives, re.IGNORECASE),) if checked else ()
            return compiled

        urgency = entry.get("urgency", SOON)
        if urgency not in (URGENT, SOON):
            raise ValueError(f"red flag {entry['id']}: urgency must be {URGENT} or {SOON}, not {urgency!r}")
        return Sign(
            id=str(entry["id"]),
            why=str(entry["why"]).strip(),
            urgency=urgency,
            patterns=compile_all(entry),
            unless=compile_all(entry.get("unless") or {}),
            absent=absence,
        )


def _compile(pattern: str, cues: Dict[str, List[str]], sign: str) -> Pattern[str]:
    def expand(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in cues:
            raise ValueError(f"red flag {sign}: unknown cue <<{name}>> in {pattern!r}")
        return "(?:" + "|".join(cues[name]) + ")"

    try:
        return re.compile(CUE.sub(expand, pattern), re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"red flag {sign}: bad pattern {pattern!r}: {error}") from error


# The letters of each language's patterns: Hangul (syllables and jamo), and for English any
# letter that is not Hangul (case-insensitive matching can turn an ASCII letter into "ſ" or the
# Kelvin sign).
LETTERS = {
    "ko": re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]"),
    "en": re.compile(r"[^\W\d_\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]"),
}


def _is_letter_of(language: str, char: str) -> bool:
    hangul = bool(LETTERS["ko"].match(char))
    return hangul if language == "ko" else char.isalpha() and not hangul


@lru_cache(maxsize=None)
def _needs_letters_of(language: str, pattern: Pattern[str]) -> bool:
    """Whether every match of ``pattern`` (or its lookarounds) contains a letter of
    ``language``: then a message without such letters cannot match, and is not searched.
    Read from the pattern's parse tree, conservatively (anything unsure: False)."""
    return _sequence_needs(language, sre_parse.parse(pattern.pattern, pattern.flags))


def _sequence_needs(language: str, items: Any) -> bool:
    return any(_item_needs(language, op, value) for op, value in items)


def _item_needs(language: str, op: Any, value: Any) -> bool:
    if op is sre_constants.LITERAL:
        return _is_letter_of(language, chr(value))
    if op is sre_constants.IN:
        return all(_class_item_needs(language, item_op, item) for item_op, item in value)
    if op is sre_constants.SUBPATTERN:
        return _sequence_needs(language, value[-1])
    if op is sre_constants.BRANCH:
        return all(_sequence_needs(language, branch) for branch in value[1])
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        return value[0] >= 1 and _sequence_needs(language, value[2])
    if op is sre_constants.ASSERT:  # a lookahead or lookbehind that must match
        return _sequence_needs(language, value[1])
    return False


def _class_item_needs(language: str, op: Any, value: Any) -> bool:
    if op is sre_constants.LITERAL:
        return _is_letter_of(language, chr(value))
    if op is sre_constants.RANGE:
        return all(_is_letter_of(language, chr(code)) for code in range(value[0], value[1] + 1))
    return False


def normalise(text: str) -> Dict[str, str]:
    """The text each language's patterns run on (module docstring). For English, Latin letters
    and Hangul that meet in one word are split ("bleeding이 안멈춰요" reads "bleeding 이 안멈춰요",
    "이게purging" reads "이게 purging"), so an English word ends where its Korean particle starts."""
    plain = text.translate(APOSTROPHES)
    english = SCRIPT_BOUNDARY.sub(" ", plain.lower())
    return {"en": SPACES.sub(" ", english).strip(), "ko": SPACES.sub("", plain.lower())}


@lru_cache(maxsize=4)
def detector(path: Optional[str] = None) -> Detector:
    """The detector of ``path`` (default: data/red_flags.yml; a relative path is taken from the
    project directory), compiled once per process."""
    if not path:
        return Detector.from_file(RULES_PATH)
    rules = Path(path)
    return Detector.from_file(rules if rules.is_absolute() else PROJECT / rules)


def detect(text: str, path: Optional[str] = None) -> Optional[Finding]:
    """The red flag in ``text``, or None. ``path``: another rules file (tests)."""
    return detector(path).detect(text)
