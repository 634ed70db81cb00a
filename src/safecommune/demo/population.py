"""Demo people: households and persons for the demo communes, deterministic.

Names come from ``safecommune.demo.names`` (surname first, Kinh surnames by real frequency,
minority naming styles); CCCD numbers follow the real structure with the pre-2025 province of
the commune as the place of birth registration. Written with bulk SQL and one audit entry per
commune. A commune that already has persons is left alone, so the demo can run again.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safecommune.core.audit import audit_append_bulk
from safecommune.core.text import fold
from safecommune.demo.names import HAI_SON_MIX, IA_KRAI_MIX, NameGenerator
from safecommune.residents.models import Household, HouseholdMember, Person, Relation
from safecommune.territory.models import AdministrativeUnit, Structure, UnitSuccession

KINH_MOSTLY = {"kinh": 0.93, "tay": 0.04, "dao": 0.03}
LAM_DONG_MIX = {"kinh": 0.95, "hoa": 0.05}
QUANG_TRI_MIX = {"kinh": 1.0}

# 2025 commune code → (people, ethnic mix). Ia Krái: "nearly 30,000, nearly 47 % minorities";
# Hải Sơn: "over 90 % ethnic minorities, mainly Dao, Tày, Sán Chỉ". Others: a few thousand.
DEMO_POPULATION: dict[str, tuple[int, dict[str, float]]] = {
    "23776": (29_800, IA_KRAI_MIX),
    "06724": (6_000, HAI_SON_MIX),
    "24967": (4_000, LAM_DONG_MIX),
    "02926": (4_000, KINH_MOSTLY),
    "19681": (2_500, QUANG_TRI_MIX),
    "19702": (2_500, QUANG_TRI_MIX),
    "19741": (2_000, QUANG_TRI_MIX),
    "19735": (2_000, QUANG_TRI_MIX),
    "19699": (2_000, QUANG_TRI_MIX),
}

TODAY = date(2026, 11, 1)  # fixed so the demo is the same whatever day it runs


@dataclass
class _Member:
    person: Person
    relation: str


def _cccd(rng: random.Random, province: str, birth: date, sex: str, used: set[str]) -> str:
    century = (birth.year // 100) - 19
    digit = century * 2 + (1 if sex == "female" else 0)
    while True:
        number = f"{province}{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
        if number not in used:
            used.add(number)
            return number


def _birth(rng: random.Random, low: int, high: int) -> date:
    age_days = rng.randint(low * 365, high * 365 + 364)
    return TODAY - timedelta(days=age_days)


def _birth_province(commune: AdministrativeUnit) -> str:
    row = (UnitSuccession.objects.filter(successor=commune, predecessor__level="commune")
           .select_related("predecessor__province").order_by("-is_default").first())
    code = row.predecessor.province.code if row else "01"
    return f"0{code}"


class _Builder:
    def __init__(self, commune, villages, mix, seed, used_cccd):
        self.commune = commune
        self.villages = villages
        self.mix = mix
        self.rng = random.Random(seed)
        self.names = NameGenerator(seed)
        self.province = _birth_province(commune)
        self.used = used_cccd

    def person(self, *, ethnicity: str, sex: str, low: int, high: int, village,
               surname: str | None = None) -> Person:
        name = self.names.person(ethnicity=ethnicity, sex=sex, surname=surname)
        birth = _birth(self.rng, low, high)
        adult = (TODAY - birth).days >= 14 * 365
        phone = (f"09{self.rng.randrange(10**8):08d}" if adult and self.rng.random() < 0.7
                 else "")
        person = Person(
            recorded_unit=self.commune, commune=self.commune, village=village,
            full_name=name.full_name, birth_date=birth, sex=sex, ethnicity=ethnicity,
            nationality="VN", phone=phone,
            citizen_id=(_cccd(self.rng, self.province, birth, sex, self.used)
                        if adult and self.rng.random() < 0.95 else ""))
        person.set_search_keys()
        return person

    def household(self) -> tuple[Household, list[_Member]]:
        rng = self.rng
        village = rng.choices(self.villages, weights=[v.population or 1 for v in self.villages])[0]
        ethnicity = self.names.ethnicity_for(mix=self.mix)
        head_sex = "male" if rng.random() < 0.8 else "female"
        head = self.person(ethnicity=ethnicity, sex=head_sex, low=22, high=78, village=village)
        members = [_Member(head, Relation.HEAD)]
        head_age = (TODAY - head.birth_date).days // 365
        family = head.full_name.split(" ")[0]
        if ethnicity == "gia_rai":
            family = None  # Jrai children take the mother's clan; drawn per child for simplicity
        if head_age < 75 and rng.random() < 0.8:
            spouse_sex = "female" if head_sex == "male" else "male"
            members.append(_Member(self.person(ethnicity=ethnicity, sex=spouse_sex,
                                               low=max(20, head_age - 6),
                                               high=min(80, head_age + 4), village=village),
                                   Relation.SPOUSE))
        for _ in range(min(6, max(0, int(rng.gauss(2.1, 1.3))))):
            if head_age < 20:
                break
            members.append(_Member(self.person(
                ethnicity=ethnicity, sex=rng.choice(("male", "female")), low=0,
                high=max(0, min(head_age - 19, 40)), village=village, surname=family),
                Relation.CHILD))
        if head_age < 50 and rng.random() < 0.25:
            members.append(_Member(self.person(ethnicity=ethnicity, sex=rng.choice(
                ("male", "female")), low=max(head_age + 18, 45), high=95, village=village),
                Relation.PARENT))
        address = f"Số {rng.randint(1, 400)}, {village.name}"
        return Household(recorded_unit=self.commune, commune=self.commune, village=village,
                         address=address, address_key=fold(address)), members


def _households(builder: _Builder, people: int) -> Iterator[tuple[Household, list[_Member]]]:
    made = 0
    while made < people:
        household, members = builder.household()
        made += len(members)
        yield household, members


@dataclass
class PopulationReport:
    communes: int = 0
    persons: int = 0
    households: int = 0


def seed_commune_population(*, commune: AdministrativeUnit, people: int,
                            mix: dict[str, float], seed: int,
                            used_cccd: set[str] | None = None) -> tuple[int, int]:
    """Households and persons for one commune with bulk SQL; returns (persons, households)."""
    villages = list(commune.villages.active())
    if not villages:
        return 0, 0
    used = used_cccd if used_cccd is not None else set(
        Person.objects.exclude(citizen_id="").values_list("citizen_id", flat=True))
    builder = _Builder(commune, villages, mix, seed, used)
    groups = list(_households(builder, people))
    now = timezone.now()
    with transaction.atomic():
        households = [h for h, _members in groups]
        for household in households:
            household.created_at = household.modified_at = now
        Household.objects.bulk_create(households, batch_size=2000)
        persons = [m.person for _h, members in groups for m in members]
        Person.objects.bulk_create(persons, batch_size=2000)
        memberships = []
        formed = TODAY - timedelta(days=3650)
        for household, members in groups:
            household.head = members[0].person
            for member in members:
                # Children are members from birth; adults since the household was recorded.
                joined = (member.person.birth_date if member.relation == Relation.CHILD
                          else max(formed, member.person.birth_date))
                memberships.append(HouseholdMember(
                    household=household, person=member.person, relation=member.relation,
                    joined_on=joined))
        Household.objects.bulk_update(households, ["head"], batch_size=2000)
        HouseholdMember.objects.bulk_create(memberships, batch_size=2000)
        audit_append_bulk(action="demo.population", commune=commune,
                          rows=((p.pk, p.name_key, p.citizen_id) for p in persons),
                          details={"households": len(households)})
    return len(persons), len(households)


def seed_demo_population() -> PopulationReport:
    """The demo communes' people; SAFECOMMUNE_DEMO_POPULATION_SCALE shrinks them (tests)."""
    scale = getattr(settings, "SAFECOMMUNE_DEMO_POPULATION_SCALE", 1.0)
    report = PopulationReport()
    used = set(Person.objects.exclude(citizen_id="").values_list("citizen_id", flat=True))
    for index, (code, (people, mix)) in enumerate(sorted(DEMO_POPULATION.items())):
        commune = AdministrativeUnit.objects.get(structure=Structure.CURRENT, code=code)
        if Person.objects.filter(commune=commune).exists():
            continue
        persons, households = seed_commune_population(commune=commune,
                                                      people=max(1, int(people * scale)), mix=mix,
                                                      seed=20250701 + index, used_cccd=used)
        report.communes += 1
        report.persons += persons
        report.households += households
    return report

