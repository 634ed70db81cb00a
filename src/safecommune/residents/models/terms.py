"""Search terms of a person's name, for PostgreSQL's inverted (GIN) index.

Common name words are very common (Nguyễn ≈ 38 %, Thị and Văn in most names), so any index of
single words or trigrams must read posting lists of hundreds of thousands of rows to find the
few persons who have all the words of a query. The terms add, for every two words of a name,
one term made of their first three letters (``pngu_van``): its list holds only the persons who
have both, so a query of two or more words reads short lists (docs/decisions/0018).

- ``w<word>``: each word, searched by prefix (``'wtham':*``) for a query of one word;
- ``p<a>_<b>``: every two words' keys (first three letters; shorter words whole), in both
  orders, so that a query can ask for a whole key followed by any key a partial word begins
  (``'pngu_d':*`` for "nguyen d");
- ``c<commune id>``: narrows a commune officer's search inside the index.
"""

from __future__ import annotations

KEY_LENGTH = 3
# A query word of two letters stands for every key it begins: itself, or it plus one of these.
KEY_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


def word_key(word: str) -> str:
    return word[:KEY_LENGTH]


def pair_term(a: str, b: str) -> str:
    return f"p{a}_{b}"


def name_terms(name_key: str, commune_id: int | None) -> str:
    """Space-separated terms of a folded name (``core.text.fold``) in a commune."""
    words = name_key.split()
    terms = {f"w{word}" for word in words}
    keys = [word_key(word) for word in words]
    for i, first in enumerate(keys):
        for second in keys[i + 1:]:
            terms.add(pair_term(first, second))
            terms.add(pair_term(second, first))
    if commune_id:
        terms.add(f"c{commune_id}")
    return " ".join(sorted(terms))
