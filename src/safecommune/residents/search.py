"""Person search: a name, a citizen ID, a phone number or an address, in the user's scope.

Built for province scale (``bench/person_search.py``: 3 million persons on PostgreSQL, p95
target 50 ms; docs/decisions/0018-person-search.md). Every step is either a walk of a btree
index in the order of the results, stopped at the limit, or a bounded set of candidates from a
trigram index sorted here:

1. Names starting with the query (the exact name first: it sorts before its extensions).
2. Names in which every word of the query begins a word, in any order ("nguyen do" finds
   Nguyễn Văn Đông); those whose first word (the surname) a query word begins come first,
   then by name. Up to ``CANDIDATES`` rows narrowed by the name terms' inverted index
   (``models/terms.py``) are sorted here; when more match, the words are common and the
   byte-order name index is walked in result order, a range at a time (``_walk``).
3. Only when fewer than ``limit`` were found: addresses in which the query's meaningful words
   (not "đường", "số", "thôn" …, which every address has) begin words; persons living there,
   by name.

Digits: the exact citizen ID, citizen IDs starting with them (in number order), then phones
containing them (the exact phone first). ``name_key`` is ASCII (``core.text.fold``), so the
byte order used here and by the ``COLLATE "C"`` indexes is the order Python sorts in.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from safecommune.core.errors import DomainError
from safecommune.core.text import fold
from safecommune.residents.models import HouseholdMember, Person, phone_digits
from safecommune.residents.models.terms import KEY_LENGTH, KEY_LETTERS, pair_term, word_key

MAX_QUERY_LENGTH = 100
# A trigram match of at most this many persons is sorted here; more, and the index is walked.
CANDIDATES = 2000
# An address match of more households than this is cut (persons of the first ones found).
ADDRESS_HOUSEHOLDS = 500
# Words every address has: they say nothing about which one (and "đường" folds to the surname
# Dương). An address query needs a word of three letters or more (trigram indexes need three).
ADDRESS_FILLER = frozenset({
    "so", "duong", "pho", "ngo", "ngach", "hem", "kiet", "thon", "xom", "ap", "ban", "buon",
    "plei", "lang", "khu", "to", "dan", "cum", "khom", "doi", "phuong", "xa", "huyen", "tinh",
    "thi", "tran", "quan", "nha", "can", "ho", "tang", "lo",
})
MIN_TRIGRAM_WORD = 3
# At most this many pair groups in one index query, and a commune term for scopes this small.
MAX_PAIR_GROUPS = 3
MAX_COMMUNE_TERMS = 5
# A name query of one word first walks at most this many names per range for its answer.
WALK_BUDGET = 20_000
_DIGITS_ONLY = re.compile(r"^[\d\s.+\-]+$")


def person_search(*, persons: QuerySet[Person], households: QuerySet, query: str,
                  commune_ids: list[int] | None, limit: int | None = None) -> list[Person]:
    """``persons``/``households``: the rows the user may see (``*_visible_to``);
    ``commune_ids``: the communes they cover, ``None`` for all (only narrows the index)."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise DomainError(_("The search text is longer than %(max)d characters.")
                          % {"max": MAX_QUERY_LENGTH}, field="q", rule="max_length")
    limit = limit or settings.SAFECOMMUNE_SEARCH_LIMIT
    scoped = persons.order_by()
    if _DIGITS_ONLY.match(query):
        ids = _by_number(scoped, phone_digits(query), limit)
    else:
        folded = fold(query)
        words = folded.split()
        if not words:
            return []
        ids = _by_name(scoped, folded, words, limit, commune_ids)
        if len(ids) < limit:
            ids += _by_address(scoped, households.order_by(), words, limit - len(ids),
                               exclude=ids)
    found = {person.pk: person for person in persons.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _bytewise(field: str):
    """The field in byte order, which the ``COLLATE "C"`` indexes keep on PostgreSQL (SQLite
    compares bytes already)."""
    return Collate(F(field), "C") if connection.vendor == "postgresql" else F(field)


def _contains_all(field: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return condition


def _by_name(persons: QuerySet[Person], folded: str, words: list[str], limit: int,
             commune_ids: list[int] | None) -> list[int]:
    keyed = persons.annotate(key=_bytewise("name_key"))
    ids = list(keyed.filter(key__startswith=folded).order_by("key", "id")
               .values_list("id", flat=True)[:limit])
    if len(ids) == limit:
        return ids
    wanted = limit - len(ids)
    span = keyed.exclude(key__startswith=folded)
    # A query word that begins another ("tr" in "triệu tr") is met by any name word the
    # longer one begins: the longer one alone decides which names match.
    essential = sorted({word for word in words
                        if not any(other != word and other.startswith(word) for other in words)})
    others = span.filter(_begins_words("name_key", essential))
    tsquery, by_pairs = _terms_query(essential, commune_ids)
    if not by_pairs:
        # One word: usually a common one, whose terms list is long; the first matches are
        # likely among the first names in order.
        walked = _walk(span, others, essential, wanted, budget=WALK_BUDGET)
        if walked is not None:
            return ids + walked
    narrowed = others
    if connection.vendor == "postgresql":
        narrowed = others.filter(_terms_match(tsquery))
    candidates = list(narrowed.values_list("name_key", "id")[:CANDIDATES + 1])
    if len(candidates) <= CANDIDATES:
        candidates.sort(key=lambda row: (not _surname_matches(row[0], essential), row[0],
                                         row[1]))
        return ids + [pk for _, pk in candidates[:wanted]]
    return ids + _walk(span, others, essential, wanted, budget=None)


def _surname_matches(name_key: str, words: list[str]) -> bool:
    first = name_key.split(" ", 1)[0]
    return any(first.startswith(word) for word in words)


def _walk(span: QuerySet[Person], others: QuerySet[Person], words: list[str], wanted: int, *,
          budget: int | None) -> list[int] | None:
    """Walk the byte-order name index in result order, a range at a time.

    Names sort by their first word, so matches of common words cluster (every "nguyen … han"
    sits in the "nguyen" range). First the ranges of names whose first word a query word
    begins — the better matches — merged; then the rest in name order. With a ``budget``, no
    more than that many names of each range are looked at: ``None`` when the answer is not
    complete within them."""
    first_words = sorted(set(words))
    starts = Q()
    for word in first_words:
        starts |= Q(key__startswith=word)
    ranged: list[tuple[str, int]] = []
    # No word begins another (``essential`` in ``_by_name``), so the ranges are disjoint and
    # each sorts wholly before the next: once they hold enough, later ranges cannot matter.
    for word in first_words:
        if len(ranged) >= wanted:
            break
        part = _bounded(span.filter(key__startswith=word), others.filter(key__startswith=word),
                        wanted - len(ranged), budget)
        if part is None:
            return None
        ranged += part
    found = [pk for _, pk in ranged[:wanted]]
    if len(found) < wanted:
        rest = _bounded(span.exclude(starts), others.exclude(starts), wanted - len(found),
                        budget)
        if rest is None:
            return None
        found += [pk for _, pk in rest]
    return found


def _bounded(span: QuerySet[Person], matches: QuerySet[Person], wanted: int,
             budget: int | None) -> list[tuple[str, int]] | None:
    """The first ``wanted`` matches by name among the first ``budget`` names of ``span``;
    ``None`` when fewer are there and ``span`` goes on."""
    edge = []
    if budget is not None:
        edge = list(span.order_by("key", "id").values_list("name_key", "id")[budget - 1:budget])
        if edge:
            key, pk = edge[0]
            # key <= edge is the index's range; the id tie-break only filters within it
            matches = matches.filter(key__lte=key).exclude(key=key, id__gt=pk)
    rows = list(matches.order_by("key", "id").values_list("name_key", "id")[:wanted])
    if edge and len(rows) < wanted:
        return None
    return rows


def _begins_words(field: str, words: list[str]) -> Q:
    """Every word begins a word of ``field``: the field starts with it or has it after a
    space (keys are single-spaced, ``core.text.fold``). Two ``LIKE`` patterns cost a quarter
    of the regular expression ``(^| )word`` on every row a walk of the name index filters,
    and the planner estimates both from the column's statistics alike, so it keeps walking
    the index when matches are many."""
    condition = Q()
    for word in words:
        condition &= (Q(**{f"{field}__startswith": word})
                      | Q(**{f"{field}__contains": f" {word}"}))
    return condition


def _any(terms: list[str]) -> str:
    return "(" + " | ".join(sorted(set(terms))) + ")"


def _first_keys(word: str) -> list[str]:
    """The keys a query word may stand for as the first of a pair term (which must be whole)."""
    if len(word) >= KEY_LENGTH:
        return [word_key(word)]
    return [word] + [word + letter for letter in KEY_LETTERS]


def _pair_terms(anchor: str, other: str) -> str:
    """Persons with a word that ``anchor`` begins and another that ``other`` begins."""
    if len(other) >= KEY_LENGTH:
        return _any([f"'{pair_term(key, word_key(other))}'" for key in _first_keys(anchor)])
    return _any([f"'{pair_term(key, other)}':*" for key in _first_keys(anchor)])


def _terms_query(words: list[str], commune_ids: list[int] | None) -> tuple[str, bool]:
    """The tsquery over ``name_terms`` that narrows a name query to a few candidates, and
    whether it uses pair terms (else a single word's, often a long list)."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    anchor, others = ordered[0], ordered[1:]
    groups = []
    # Pair terms stand for two different words of the name: only when no query word begins
    # another could two query words be matched by one name word. A one-letter anchor would
    # stand for too many keys.
    overlapping = any(i != j and b.startswith(a)
                      for i, a in enumerate(words) for j, b in enumerate(words))
    if not overlapping and len(anchor) > 1:
        groups += [_pair_terms(anchor, other) for other in others[:MAX_PAIR_GROUPS]]
    by_pairs = bool(groups)
    if not by_pairs:
        groups.append(f"'w{anchor}':*")
    if commune_ids is not None and 0 < len(commune_ids) <= MAX_COMMUNE_TERMS:
        groups.append(_any([f"'c{pk}'" for pk in commune_ids]))
    return " & ".join(groups), by_pairs


def _terms_match(tsquery: str) -> RawSQL:
    # The expression of the GIN index person_name_terms_gin (migration 0007), verbatim.
    return RawSQL("array_to_tsvector(string_to_array(\"residents_person\".\"name_terms\", ' ')) "
                  "@@ %s::tsquery", [tsquery], output_field=BooleanField())


def _by_address(persons: QuerySet[Person], households: QuerySet, words: list[str], limit: int,
                *, exclude: list[int]) -> list[int]:
    meaningful = [w for w in words if w not in ADDRESS_FILLER]
    indexed = [w for w in meaningful if len(w) >= MIN_TRIGRAM_WORD and not w.isdigit()]
    if not indexed:
        return []
    # Words of three letters or more narrow through the trigram index; every word must begin
    # a word of the address, as in names.
    household_ids = list(
        households.filter(_contains_all("address_key", indexed)
                          & _begins_words("address_key", meaningful))
        .values_list("id", flat=True)[:ADDRESS_HOUSEHOLDS])
    if not household_ids:
        return []
    residents = HouseholdMember.objects.filter(household_id__in=household_ids,
                                               left_on__isnull=True).values("person_id")
    return list(persons.annotate(key=_bytewise("name_key"))
                .filter(pk__in=residents).exclude(pk__in=exclude)
                .order_by("key", "id").values_list("id", flat=True)[:limit])


def _by_number(persons: QuerySet[Person], digits: str, limit: int) -> list[int]:
    if len(digits) < 4:
        return []
    ids: list[int] = []
    if len(digits) == 12:
        ids += persons.filter(citizen_id=digits).values_list("id", flat=True)[:1]
    elif len(digits) < 12:
        ids += (persons.exclude(citizen_id="")
                .annotate(cid=_bytewise("citizen_id")).filter(cid__startswith=digits)
                .order_by("cid").values_list("id", flat=True)[:limit])
    if len(ids) < limit:
        phones = list(persons.filter(phone_key__contains=digits).exclude(pk__in=ids)
                      .values_list("phone_key", "name_key", "id")[:CANDIDATES])
        phones.sort(key=lambda row: (row[0] != digits, not row[0].endswith(digits), row[1],
                                     row[2]))
        ids += [pk for _, _, pk in phones[:limit - len(ids)]]
    return ids
