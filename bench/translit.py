"""A small Vietnamese → Russian transliterator for generating benchmark queries.

Deliberately independent of ``safecommune.core.text`` (which goes the other way and is what
is being measured): it writes a name the way a Russian text would, roughly after the Latin
letters — ``Trì Quang`` → ``Три Куанг`` / ``Трикуанг``, ``Bảo Thắng`` → ``Бао Тханг``.

Tones are dropped, vowel quality is kept where Russian can show it (``ư`` → ``ы``).
"""

from __future__ import annotations

import unicodedata

# Combining marks of the five Vietnamese tones; the vowel marks (breve, circumflex, horn) stay.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

_CONSONANTS = [  # longest first; minority-language letters (f, j, w, z) too
    ("ngh", "нг"), ("ng", "нг"), ("nh", "нь"), ("gh", "г"), ("qu", "ку"), ("th", "тх"),
    ("tr", "тр"), ("ch", "ч"), ("kh", "кх"), ("ph", "ф"),
    ("b", "б"), ("c", "к"), ("k", "к"), ("d", "д"), ("đ", "д"), ("g", "г"), ("h", "х"),
    ("l", "л"), ("m", "м"), ("n", "н"), ("p", "п"), ("r", "р"), ("s", "ш"), ("t", "т"),
    ("v", "в"), ("x", "с"), ("f", "ф"), ("j", "дж"), ("w", "у"), ("z", "з"),
]
_VOWELS = {
    "a": "а", "ă": "а", "â": "а", "e": "е", "ê": "е", "i": "и", "y": "и", "o": "о", "ô": "о",
    "ơ": "о", "u": "у", "ư": "ы",
}
_CYRILLIC_VOWELS = set("аеиоуыэюя")


def strip_tones(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))


def syllable(word: str) -> str:
    """One Vietnamese syllable (lower case, tones stripped) in Cyrillic."""
    out = []
    rest = word
    if rest.startswith("gi") and len(rest) > 2 and rest[2] in _VOWELS:
        out.append("з")
        rest = rest[2:]
    elif rest.startswith("gi"):
        out.append("зи")
        rest = rest[2:]
    i = 0
    while i < len(rest):
        ch = rest[i]
        if ch in _VOWELS:
            cyr = _VOWELS[ch]
            # A closing i/y after another vowel is a semivowel: "ai" → "ай".
            if ch in "iy" and i == len(rest) - 1 and i > 0 and rest[i - 1] in _VOWELS:
                cyr = "й"
            out.append(cyr)
            i += 1
            continue
        for latin, cyr in _CONSONANTS:
            if rest.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def to_russian(name: str, *, join: bool = False, case_ending: bool = False) -> str:
    """``name`` (Vietnamese, with or without tones) written in Russian letters.

    ``join`` writes the syllables as one word (``Трикуанг``); ``case_ending`` adds the
    prepositional ``-е`` as in «в Трикуанге» (replacing a final ``й``/``ь``; vowel-final names
    stay indeclinable).
    """
    plain = strip_tones(name.lower())
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    parts = [syllable(w) if w.isalpha() else w for w in words]
    if join:
        joined, tail = [], []
        for part in parts:  # numbers stay separate words: "Мидинь 1"
            (tail if not part.isalpha() else joined).append(part)
        parts = ["".join(joined)] + tail if joined else tail
    parts = [p[:1].upper() + p[1:] for p in parts]
    if case_ending:
        word = parts[-1]  # "Мидинь 1" stays as it is
        if word.isalpha() and word[-1] in "йь":
            parts[-1] = word[:-1] + "е"
        elif word.isalpha() and word[-1].lower() not in _CYRILLIC_VOWELS:
            parts[-1] = word + "е"
    return " ".join(parts)
