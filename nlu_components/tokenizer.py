"""Rasa's whitespace tokenizer, without its Hangul-eating emoji filter.

Rasa 3.6's ``WhitespaceTokenizer`` drops any token that fully matches its emoji regex, whose
range U+24C2..U+1F251 also spans every Hangul syllable: Korean words vanished before the
featurizers saw them. This keeps the tokenizer and narrows the emoji ranges to real emoji.

It is the piece ``hangul_safe_tokenizer`` of ``rasa_internals`` (it sets Rasa's
``emoji_pattern`` attribute): switched off, or on a Rasa version other than the one it was
checked against, it tokenizes exactly as Rasa's ``WhitespaceTokenizer``.
"""

import re
from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

import rasa_internals

PIECE = "hangul_safe_tokenizer"

EMOJI = re.compile(
    "["
    "\U0001f600-\U0001f64f"  # emoticons
    "\U0001f300-\U0001f5ff"  # symbols and pictographs
    "\U0001f680-\U0001f6ff"  # transport and map symbols
    "\U0001f900-\U0001faff"  # supplemental symbols and pictographs
    "\U0001f1e0-\U0001f1ff"  # flags
    "\U0001f170-\U0001f251"  # enclosed alphanumerics and ideographs
    "\u2600-\u27bf"  # miscellaneous symbols and dingbats
    "\u24c2\u200d\u200c\ufe0f"
    "]+"
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class HangulSafeWhitespaceTokenizer(WhitespaceTokenizer):
    """``WhitespaceTokenizer`` whose emoji filter leaves Korean (and other scripts) alone."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        if rasa_internals.enabled(PIECE):
            self.emoji_pattern = EMOJI
