"""Trial (not part of ``run.py``): how much recall would a proposed change to
``safecommune.core.text.phonetic`` win on the benchmark's query mix?

The proposed change, applied here by patching the module in this process only:

1. syllable boundaries stop mattering: doubled letters are collapsed on the joined key, not
   per word, so ``Тханьхоа`` (one word, "thanhhoa") and ``Thanh Hóa`` ("thanh"+"hoa") meet,
   as do ``Лаккуой``/``Lạc Quới``; and ``ngh``/``gh`` → ``ng``/``g`` only at the start of a
   word (where Vietnamese writes them), so the "ng"+"h" of a joined ``Лонгхай`` stays and meets
   ``Long Hải``;
2. Vietnamese word-initial ``gi`` before a vowel, and ``zi`` before a vowel anywhere (Russian
   ``зя``, ``зю``), sound as ``z`` (then ``d`` like every ``z``): ``За Лай``/``Зялай`` find
   ``Gia Lai``.

``python bench/phonetic_trial.py [--db sqlite|postgres]`` prints recall by kind, before and
after, and the queries whose outcome changes.
"""

from __future__ import annotations

import re

_GI = re.compile(r"^gi(?=[aeiouy])")
_ZI = re.compile(r"zi(?=[aeou])")


def proposed_phonetic(text):
    """The proposed ``phonetic`` built from the module's own rules."""
    rules = [(old, new) for old, new in text._PHONETIC_RULES if old not in ("ngh", "gh")]

    def word_key(word: str) -> str:
        word = _ZI.sub("z", _GI.sub("z", word))
        if word.startswith("ngh"):
            word = "ng" + word[3:]
        elif word.startswith("gh"):
            word = "g" + word[2:]
        for old, new in rules:
            word = word.replace(old, new)
        return word.lower()

    def phonetic(value):
        key = "".join(word_key(word) for word in text.fold(value).split())
        return text._DOUBLED.sub(r"\1", key)

    return phonetic


def bench(vendor: str) -> dict:
    from safecommune.core import text
    from safecommune.territory.loader import territory_load
    from safecommune.territory.models import AdministrativeUnit
    from safecommune.territory.selectors import unit_search
    from unit_search import KINDS, _load_units, build_queries

    territory_load()
    queries = build_queries(_load_units())

    def recall() -> dict:
        hits = {}
        for item in queries:
            pks = [u.pk for u in unit_search(query=item["q"])]
            hits[item["q"], item["pk"]] = item["pk"] in pks
        by_kind = {kind: round(sum(hits[q["q"], q["pk"]] for q in queries if q["kind"] == kind)
                               / sum(1 for q in queries if q["kind"] == kind), 3)
                   for kind in KINDS}
        return {"all": round(sum(hits.values()) / len(hits), 3), "by_kind": by_kind,
                "_hits": hits}

    before = recall()

    phonetic = proposed_phonetic(text)
    text.phonetic = phonetic
    import safecommune.territory.loader as loader
    import safecommune.territory.models as models

    loader.phonetic = phonetic
    models.phonetic = phonetic
    units = list(AdministrativeUnit.objects.all())
    for unit in units:
        unit.phonetic_key = phonetic(unit.name)
    AdministrativeUnit.objects.bulk_update(units, ["phonetic_key"], batch_size=2000)

    after = recall()
    changed = [
        {"q": item["q"], "name": item["name"], "kind": item["kind"],
         "before": before["_hits"][item["q"], item["pk"]],
         "after": after["_hits"][item["q"], item["pk"]]}
        for item in queries
        if before["_hits"][item["q"], item["pk"]] != after["_hits"][item["q"], item["pk"]]
    ]
    spot = {q: [u.name for u in unit_search(query=q)[:3]]
            for q in ("Тханьхоа", "Кханьхоа", "Зялай", "За Лай", "Трикуанге", "Лаокай")}
    for result in (before, after):
        result.pop("_hits")
    return {"recall_before": before, "recall_after": after, "changed": changed,
            "spot_checks_after": spot}


if __name__ == "__main__":
    from common import standalone

    standalone(bench)
