"""Folded and phonetic search keys for Vietnamese names written in Latin or Cyrillic letters.

Two keys are stored beside every searchable name (docs/decisions/0003-folded-search.md):

``fold(text)``
    lower case, tones and other diacritics removed, ``đ`` → ``d``, words separated by one
    space. ``Trì Quang`` → ``tri quang``. Used for "contains these words" matching.

``phonetic(text)``
    one compact key that a Vietnamese name and its Russian spellings share. Russian writes
    Vietnamese *qu* as ``ку``, *th* as ``тх``, *nh* as ``нь``, may follow the Kontsevich
    system (*tr* → ``ч``) or spell from the Latin letters (*tr* → ``тр``), and may join or split
    syllables (``Трикуанг``, ``Три Куанг``). The key therefore transliterates Cyrillic to Latin,
    merges letters the two spellings confuse, and drops the spaces.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

# Cyrillic → Latin, tuned for Russian spellings of Vietnamese names. Multi-letter sequences
# come first; ``ч`` and Vietnamese ``tr``/``ch`` meet in the placeholder "C" below.
_CYRILLIC_SEQUENCES = [
    ("ье", "ie"),
    ("нь", "nh"),
    ("ть", "ch"),
    ("кх", "kh"),
    ("тх", "th"),
    ("ый", "ui"),
    ("ий", "i"),
]
_CYRILLIC_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "io", "ж": "z",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "ph", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "s", "щ": "s", "ъ": "", "ы": "u", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "e", "ў": "u",
}

# Russian case endings that attach to a transliterated name ("в Трикуанге", "Трикуанга").
CYRILLIC_CASE_ENDINGS = ("ами", "ями", "ом", "ем", "ой", "ей", "ах", "ях", "е", "а", "у", "я", "ю", "ы")

# Applied in order to a folded, space-free Latin word.
# Vietnamese writes ngh/gh only at the start of a syllable; a joined Russian spelling such as
# "Лонгхай" (Long Hải) has n-g-h across two syllables, so these apply word-initially only.
_ONSETS = [("ngh", "ng"), ("gh", "g")]
# Vietnamese gi- before a vowel sounds z-; Russian writes it з (Зялай for Gia Lai).
_GI_ONSET = re.compile(r"^gi(?=[aeiouy])")
_ZI = re.compile(r"zi(?=[aeou])")
_PHONETIC_RULES = [
    ("qu", "ku"),
    ("tr", "C"),
    ("ch", "C"),
    ("ph", "f"),
    ("c", "k"),
    ("q", "k"),
    ("x", "s"),
    ("z", "d"),
    ("y", "i"),
    ("w", "u"),
    ("j", "d"),
]
_DOUBLED = re.compile(r"(.)\1+")


class _Marks(dict):
    """``str.translate`` table deleting nonspacing marks (category Mn), filled as characters
    are met: after the first few texts it is a plain dict lookup per character, in C (a
    generator over every character cost as much as the rest of a report's search key).
    Bounded: past ``LIMIT`` distinct characters the rest are judged without being kept."""

    LIMIT = 4096

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        if len(self) < self.LIMIT:
            self[code] = kept
        return kept


_MARKS = _Marks({ord("đ"): "d", ord("Đ"): "D"})


def strip_marks(text: str) -> str:
    """Remove tones and diacritics (including ``đ``), keep the letters."""
    return unicodedata.normalize("NFD", text).translate(_MARKS)


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def cyrillic_to_latin(text: str) -> str:
    text = text.lower()
    for seq, latin in _CYRILLIC_SEQUENCES:
        text = text.replace(seq, latin)
    return "".join(_CYRILLIC_LETTERS.get(ch, ch) for ch in text)


def fold(text: str | None) -> str:
    """Lower case, unaccented, one space between words: ``Trì  Quang`` → ``tri quang``."""
    if not text:
        return ""
    text = strip_marks(text.lower())
    if has_cyrillic(text):
        text = cyrillic_to_latin(text)
    return " ".join(word for word in _NON_ALNUM.split(text) if word)


def _phonetic_word(word: str) -> str:
    word = _ZI.sub("z", _GI_ONSET.sub("z", word))
    for old, new in _ONSETS:
        if word.startswith(old):
            word = new + word[len(old):]
            break
    for old, new in _PHONETIC_RULES:
        word = word.replace(old, new)
    return word.lower()


def phonetic(text: str | None) -> str:
    """One space-free key shared by Vietnamese names and their Russian spellings. Doubled
    letters collapse across the joined key, since Russian may join syllables that meet on one
    letter (Тханьхоа for Thanh Hóa)."""
    return _DOUBLED.sub(r"\1", "".join(_phonetic_word(word) for word in fold(text).split()))


def query_keys(text: str) -> list[str]:
    """Phonetic keys to try for a search query, best first.

    A Cyrillic query may carry a Russian case ending (``Трикуанге``); the stems without it are
    tried too, longest first, so the exact spelling still ranks first.
    """
    keys = [phonetic(text)]
    stripped = text.strip()
    if has_cyrillic(stripped):
        lowered = stripped.lower()
        for ending in CYRILLIC_CASE_ENDINGS:
            if lowered.endswith(ending) and len(lowered) - len(ending) >= 3:
                keys.append(phonetic(lowered[: -len(ending)]))
    seen: list[str] = []
    for key in keys:
        if key and key not in seen:
            seen.append(key)
    return seen
