"""Text folding for region names: case-, accent- and punctuation-insensitive comparison.

Every name and every query goes through ``fold`` so that "Etelä-Pohjanmaa", "etela pohjanmaa"
and "ETELÄ POHJANMAA" compare equal, and Greek names lose their tonos.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose into a base letter plus a combining mark.
_SPECIAL_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_NON_WORD = re.compile(r"[^\w]+|_")


def _words(text: str) -> list[str]:
    return text.split()


# Words that say where a region lies rather than which region it is. A name made only of these
# ("Southern", "Nord-Est", "Centro (IT)") is too generic to be detected in running text.
GENERIC_WORDS = frozenset(
    _words(
        """
        north south east west northern southern eastern western central centre center middle
        mid midland midlands upper lower inner outer greater border region regions area
        province islands island isles and of the de la le du des di del della do da dos das
        van der nord sud est ouest centro centru norte sur este oeste noreste noroeste vest
        ovest isole continente nordost sudost mitte oost zuid noord
        """
    )
)

# Single-word region names that are also everyday words in some EU language ("Lot", "Pest",
# "Como", "Regen"); finding them in a text says nothing about the region.
COMMON_WORDS = frozenset(
    _words(
        """
        lot var ain cher gard aube orne eure oise somme marne manche landes vienne nord sud
        pest como latina alba prato marche essen mayo border midland west centre vest olt ave
        regen
        """
    )
)

# Single-word names shorter than this are not searched for in running text.
MIN_TEXT_NAME_LENGTH = 4


def fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = stripped.translate(_SPECIAL_LETTERS)
    return " ".join(_NON_WORD.sub(" ", plain).split())


def fold_tokens(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return fold(text).split()


def searchable_in_text(folded_name: str) -> bool:
    """Whether a folded name is specific enough to count its occurrences in running text."""
    words = folded_name.split()
    if not words or all(word in GENERIC_WORDS for word in words):
        return False
    if len(words) == 1:
        word = words[0]
        return len(word) >= MIN_TEXT_NAME_LENGTH and word not in COMMON_WORDS
    return True
