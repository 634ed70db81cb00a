"""Two years of residence history for the demo communes: temporary residents (some expiring
soon), temporary absences (some overdue), and stays at accommodations and with households,
with foreigners near the border at Hải Sơn. Written through the services, so every record is
validated and audited like a real one. Deterministic; a commune that has any residence record
is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from safecommune.demo.names import NameGenerator
from safecommune.demo.population import TODAY
from safecommune.residents.cccd import validate_cccd
from safecommune.residents.models import (
    AbsenceKind,
    Household,
    HostKind,
    Person,
    ResidenceRecord,
)
from safecommune.residents.residence.services import absence_declare, temporary_register
from safecommune.residents.stays.services import stay_notify
from safecommune.territory.models import PlaceKind

# Share of adults with a temporary residence, and with a declared absence.
TEMPORARY_SHARE = 0.03
ABSENCE_SHARE = 0.005
STAYS_PER_ACCOMMODATION = 40
HOUSEHOLD_STAYS = 60
# Hải Sơn (Móng Cái border): a share of accommodation guests are Chinese nationals.
FOREIGN_GUESTS = {"06724": 0.4}
CHINESE_NAMES = ["Wang Wei", "Li Na", "Zhang Min", "Liu Yang", "Chen Jing", "Yang Lei",
                 "Huang Mei", "Zhao Gang", "Wu Fang", "Zhou Jun", "Xu Li", "Sun Hao",
                 "Ma Lin", "Zhu Qiang", "Hu Yan", "Guo Ping", "Lin Xiu", "He Tao"]
DESTINATIONS = ["Thành phố Hồ Chí Minh", "Hà Nội", "Bình Dương", "Đà Nẵng", "Đồng Nai",
                "Hàn Quốc", "Nhật Bản", "Đài Loan"]


@dataclass
class HistoryReport:
    temporary: int = 0
    absences: int = 0
    stays: int = 0


def _local(day, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _adults(commune) -> list[Person]:
    cutoff = TODAY - timedelta(days=18 * 365)
    return list(Person.objects.filter(commune=commune, birth_date__lte=cutoff).order_by("id"))


def _residence(commune, adults, rng, report):
    for person in rng.sample(adults, int(len(adults) * TEMPORARY_SHARE)):
        registered = TODAY - timedelta(days=rng.randint(10, 700))
        valid_until = registered + timedelta(days=rng.choice((180, 365, 540, 720)))
        temporary_register(actor=None, person=person, address=f"Nhà trọ số {rng.randint(1, 60)}",
                           registered_on=registered, valid_until=valid_until, today=TODAY)
        report.temporary += 1
    for person in rng.sample(adults, int(len(adults) * ABSENCE_SHARE)):
        leaves = TODAY - timedelta(days=rng.randint(370, 720))
        absence_declare(actor=None, person=person, kind=AbsenceKind.OTHER, leaves_on=leaves,
                        destination=rng.choice(DESTINATIONS),
                        expected_return_on=TODAY + timedelta(days=rng.randint(-60, 300)),
                        declared_on=leaves + timedelta(days=rng.randint(365, 367)), today=TODAY)
        report.absences += 1


def _guest(rng, names, foreign_share):
    birth = TODAY - timedelta(days=rng.randint(18 * 365, 70 * 365))
    sex = rng.choice(("male", "female"))
    if rng.random() < foreign_share:
        return {"guest_full_name": rng.choice(CHINESE_NAMES), "guest_birth_date": birth,
                "guest_nationality": "CN", "guest_sex": sex,
                "guest_passport_number": f"E{rng.randrange(10**8):08d}"}
    name = names.person(ethnicity="kinh", sex=sex)
    province = rng.choice(("001", "022", "031", "038", "079"))
    century = (birth.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    citizen_id = f"{province}{century}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
    validate_cccd(citizen_id, birth_date=birth, sex=sex)
    return {"guest_full_name": name.full_name, "guest_birth_date": birth, "guest_sex": sex,
            "guest_citizen_id": citizen_id}


def _stays(commune, rng, names, report):
    foreign_share = FOREIGN_GUESTS.get(commune.code, 0.05)
    accommodations = list(commune.places.active().filter(kind=PlaceKind.ACCOMMODATION))
    households = list(Household.objects.filter(commune=commune).order_by("id")[:500])
    hosts = [(HostKind.ACCOMMODATION, a, None) for a in accommodations
             for _ in range(STAYS_PER_ACCOMMODATION)]
    hosts += [(HostKind.HOUSEHOLD, None, h) for h in rng.sample(
        households, min(HOUSEHOLD_STAYS, len(households)))]
    for host_kind, accommodation, household in hosts:
        day = TODAY - timedelta(days=rng.randint(1, 720))
        arrival = _local(day, rng.randint(7, 23), rng.choice((0, 15, 30, 45)))
        # Most hosts notify within the hour; about one in ten much later.
        delay = timedelta(hours=rng.choice((0, 0, 0, 1, 2, 14))) if rng.random() < 0.9 \
            else timedelta(hours=rng.randint(15, 40))
        guest = _guest(rng, names, foreign_share if accommodation else 0.0)
        stay_notify(actor=None, unit=commune, host_kind=host_kind, accommodation=accommodation,
                    host_household=household, arrival_at=arrival,
                    departure_on=day + timedelta(days=rng.randint(1, 6)),
                    notified_at=arrival + delay, **guest)
        report.stays += 1


def seed_demo_history(*, codes: list[str]) -> HistoryReport:
    report = HistoryReport()
    from safecommune.territory.models import AdministrativeUnit

    for index, code in enumerate(sorted(codes)):
        commune = AdministrativeUnit.objects.get(structure="2025", code=code)
        if ResidenceRecord.objects.filter(commune=commune).exists():
            continue
        adults = _adults(commune)
        if not adults:
            continue
        rng = random.Random(7_000 + index)
        _residence(commune, adults, rng, report)
        _stays(commune, rng, NameGenerator(9_000 + index), report)
    return report
