"""What came of a demo incident, by category: persons involved, arrests, fines, education
measures, rehabilitation referrals and seized items, in the proportions a commune might see.
Each recipe returns the ``IncidentOutcome`` fields of its rows; amounts follow the ranges of
the administrative-fine decree for the offence, roughly."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

Person = Callable[[], dict]  # the person fields of one outcome: a resident's id or a name


def _fine(rng: random.Random, low: int, high: int, count: int = 1, note: str = "") -> dict:
    amount = rng.randrange(low, high + 1, 100_000) * count
    return {"kind": "fine", "count": count, "amount_vnd": amount, "note": note}


def _person(person: Person, involvement: str) -> dict:
    return {"kind": "person", "involvement": involvement, **person()}


def _seizure(item: str, quantity, unit: str, note: str = "") -> dict:
    return {"kind": "seizure", "item_kind": item, "quantity": Decimal(str(quantity)),
            "quantity_unit": unit, "note": note}


SMUGGLED = [("thuốc lá điếu nhập lậu", 100, 2500, "bao"), ("pháo nổ", 5, 80, "kg"),
            ("bình khí cười (N₂O)", 10, 60, "bình"),
            ("rượu ngoại không rõ nguồn gốc", 20, 200, "chai")]
HANDED_OVER = [("súng kíp", 1, 2, "khẩu"), ("đạn các loại", 2, 40, "viên"),
               ("dao, kiếm tự chế", 1, 5, "cái"), ("pháo nổ", 1, 10, "kg")]


def outcomes_for(category: str, rng: random.Random, person: Person) -> list[dict]:
    """The outcome rows of one verified and handled incident of ``category``."""
    chance = rng.random
    rows: list[dict] = []
    if category in ("theft", "robbery", "violence", "weapons"):
        rows.append(_person(person, "offender" if category == "violence" else "suspect"))
        if chance() < {"robbery": 0.6, "theft": 0.3}.get(category, 0.15):
            rows.append({"kind": "arrest", "count": 1})
        elif category in ("theft", "violence") and chance() < 0.5:
            rows.append(_fine(rng, 1_500_000, 5_000_000))
        if category == "weapons":
            rows.append(_seizure(*rng.choice([("súng tự chế", 1, "khẩu"),
                                               ("dao tự chế", rng.randint(1, 3), "con")])))
    elif category in ("fraud", "cyber_crime"):
        lost = rng.randint(3, 180)
        rows.append({**_person(person, "victim"), "note": f"Bị chiếm đoạt {lost} triệu đồng"
                     if category == "fraud" else ""})
    elif category == "gambling":
        players = rng.randint(3, 8)
        if chance() < 0.2:
            rows.append({"kind": "arrest", "count": players})
        else:
            rows.append(_fine(rng, 1_000_000, 2_000_000, count=players))
    elif category == "disorder":
        rows.append(_fine(rng, 500_000, 1_000_000, count=rng.randint(1, 4)))
        if chance() < 0.15:
            rows.append({"kind": "education", "measure": "commune_education", "count": 1})
    elif category == "drug_dealing":
        if chance() < 0.5:
            rows.append({"kind": "arrest", "count": 1})
            item, most = rng.choice([("ma túy đá (methamphetamine)", 12.0), ("heroin", 3.0)])
            rows.append(_seizure(item, round(rng.uniform(0.2, most), 2), "gam"))
    elif category == "drug_use":
        rows.append(_person(person, "offender"))
        measure = rng.choices(["voluntary_rehabilitation", "compulsory_rehabilitation",
                               "commune_education", ""], weights=[35, 25, 25, 15])[0]
        if measure == "commune_education":
            rows.append({"kind": "education", "measure": measure, "count": 1})
        elif measure:
            rows.append({"kind": "rehabilitation", "measure": measure, "count": 1})
        else:
            rows.append(_fine(rng, 1_000_000, 2_000_000))
    elif category == "smuggling":
        item, low, high, unit = rng.choice(SMUGGLED)
        rows.append(_seizure(item, rng.randint(low, high), unit))
        rows.append(_fine(rng, 5_000_000, 30_000_000))
    elif category == "weapons_handover":
        item, low, high, unit = rng.choice(HANDED_OVER)
        rows.append(_seizure(item, rng.randint(low, high), unit, note="Tự nguyện giao nộp"))
    elif category == "traffic_accident" and chance() < 0.7:
        rows.append(_person(person, "victim"))
    elif category in ("traffic_violation", "social_evils", "administrative_violation",
                      "residence_violation") and chance() < 0.8:
        rows.append(_fine(rng, 200_000, 3_000_000))
    elif category == "domestic_violence":
        rows.append(_person(person, "offender"))
        if chance() < 0.3:
            rows.append(_fine(rng, 5_000_000, 10_000_000))
        elif chance() < 0.2:
            rows.append({"kind": "education", "measure": "commune_education", "count": 1})
    return rows
