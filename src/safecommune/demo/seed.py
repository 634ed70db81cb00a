"""The demo communes of the source articles, their villages and places, set up deterministically.

Every figure the articles give is used (Ia Krái: 307 km², nearly 30,000 people, 36 villages,
5 state-owned enterprises); names of villages and places are made up in the local style.
Running the seed again changes nothing.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from django.db import transaction

from safecommune.core.text import fold
from safecommune.territory.models import (
    AdministrativeUnit,
    Place,
    PlaceKind,
    Structure,
    Village,
    VillageKind,
)
from safecommune.territory.services import commune_settings_update, place_create, village_create

SEED = 20250701


@dataclass
class DemoCommune:
    code: str  # 2025 statistics-office code
    hotline: str
    chief: str
    population: int | None
    remote: bool
    villages: list[tuple[str, str | None]]  # (name, former commune code or None)
    places: list[tuple[str, str]] = field(default_factory=list)  # (kind, name)
    village_kind: str = VillageKind.VILLAGE


IA_KRAI_VILLAGES = [
    "Làng Bi", "Làng Krái", "Làng Dơ", "Làng Kte", "Làng Ia Tô", "Làng Ia Kăm", "Làng Bò",
    "Làng Pyang", "Làng Nhao", "Làng Kon", "Làng Tung", "Làng Ó", "Làng Dôr", "Làng Kly",
    "Làng Bang", "Làng Kueng", "Làng Sur", "Làng Mrông", "Làng Hek", "Làng Phung",
    "Plei Ia Băng", "Plei Ia Grai", "Plei Đăk", "Plei Kte Lớn", "Plei Kte Nhỏ", "Plei Breng",
    "Thôn Nam Tân", "Thôn Bắc Tân", "Thôn Hòa Bình", "Thôn Đoàn Kết", "Thôn Tân Lập",
    "Thôn Thanh Bình", "Thôn Quyết Thắng", "Thôn Hợp Thành", "Thôn Đồng Tâm", "Thôn Thống Nhất",
]

DEMO_COMMUNES: list[DemoCommune] = [
    DemoCommune(
        code="23776", hotline="0269 3800 113", chief="0905 100 776", population=29_800,
        remote=True, villages=[(name, None) for name in IA_KRAI_VILLAGES],
        places=[
            (PlaceKind.AGENCY, "Ủy ban nhân dân xã Ia Krái"),
            (PlaceKind.AGENCY, "Công an xã Ia Krái"),
            (PlaceKind.STATE_OWNED_ENTERPRISE, "Công ty Cà phê Ia Krái"),
            (PlaceKind.STATE_OWNED_ENTERPRISE, "Công ty Cao su Ia Grai"),
            (PlaceKind.STATE_OWNED_ENTERPRISE, "Công ty Chè Bàu Cạn"),
            (PlaceKind.STATE_OWNED_ENTERPRISE, "Nông trường Cà phê 705"),
            (PlaceKind.STATE_OWNED_ENTERPRISE, "Nông trường Cao su Ia Krái"),
            (PlaceKind.SCHOOL, "Trường THCS Ia Krái"),
            (PlaceKind.SCHOOL, "Trường Tiểu học Ia Krái"),
            (PlaceKind.RELIGIOUS_SITE, "Nhà thờ Plei Breng"),
            (PlaceKind.ACCOMMODATION, "Nhà nghỉ Hòa Bình"),
        ],
    ),
    DemoCommune(
        code="06724", hotline="0203 3880 113", chief="0912 106 724", population=None,
        remote=True,
        villages=[("Thôn Pò Hèn", "06724"), ("Thôn Lục Chắn", "06724"), ("Thôn Thán Phún", "06724"),
                  ("Thôn Pạc Sủi", "06724"), ("Thôn Lục Phủ", "06727"), ("Thôn Tài Chi", "06727"),
                  ("Thôn Thán Dìu", "06727"), ("Thôn Bản Trang", "06727")],
        places=[
            (PlaceKind.AGENCY, "Ủy ban nhân dân xã Hải Sơn"),
            (PlaceKind.AGENCY, "Đồn Biên phòng Pò Hèn"),
            (PlaceKind.SCHOOL, "Trường PTDTBT THCS Hải Sơn"),
            (PlaceKind.ACCOMMODATION, "Homestay Pò Hèn"),
            (PlaceKind.ACCOMMODATION, "Nhà nghỉ Lục Chắn"),
            (PlaceKind.RELIGIOUS_SITE, "Đình làng Thán Phún"),
        ],
    ),
    DemoCommune(
        code="24967", hotline="0263 3600 113", chief="0918 124 967", population=None,
        remote=False,
        villages=[("Thôn Phi Nôm", None), ("Thôn Bắc Hội", None), ("Thôn Nghĩa Hiệp", None),
                  ("Thôn Định An", None), ("Thôn Phú Thạnh", None), ("Thôn Đoàn Kết", None),
                  ("Thôn Thạnh Nghĩa", None), ("Thôn Quảng Hiệp", None)],
        places=[
            (PlaceKind.AGENCY, "Ủy ban nhân dân xã Hiệp Thạnh"),
            (PlaceKind.ENTERPRISE, "Công ty TNHH Rau Hoa Hiệp Thạnh"),
            (PlaceKind.SCHOOL, "Trường THCS Hiệp Thạnh"),
            (PlaceKind.ACCOMMODATION, "Khách sạn Phi Nôm"),
            (PlaceKind.RELIGIOUS_SITE, "Chùa Linh Quang"),
        ],
    ),
    DemoCommune(
        code="02926", hotline="0214 3860 113", chief="0983 102 926", population=None,
        remote=False,
        villages=[("Thôn Cốc Sâm", "02935"), ("Thôn Làng Chung", "02935"),
                  ("Thôn Trì Thượng", "02935"), ("Thôn Trì Hạ", "02935"),
                  ("Thôn Phú Hà", "02935"), ("Thôn Cáng", "02935"), ("Thôn Khởi Khe", "02935"),
                  ("Thôn Xuân Tư", "02935"), ("Thôn An Thắng", "02935"),
                  ("Thôn Đo Ngoài", "02935"),
                  ("Thôn Xuân Quang 1", "02926"), ("Thôn Xuân Quang 2", "02926"),
                  ("Thôn Phong Niên 1", None), ("Thôn Phong Niên 2", None)],
        places=[
            (PlaceKind.AGENCY, "Ủy ban nhân dân xã Xuân Quang"),
            (PlaceKind.AGENCY, "Điểm Công an Trì Quang"),
            (PlaceKind.SCHOOL, "Trường Tiểu học Trì Quang"),
            (PlaceKind.SCHOOL, "Trường THCS Xuân Quang"),
            (PlaceKind.ENTERPRISE, "Hợp tác xã Nông nghiệp Trì Quang"),
        ],
    ),
    DemoCommune(
        code="19681", hotline="0233 3870 113", chief="0914 119 681", population=None,
        remote=False,
        villages=[("Khu phố 1 Diên Sanh", None), ("Khu phố 2 Diên Sanh", None),
                  ("Thôn Hội Yên", None), ("Thôn Trường Thọ", None)],
        village_kind=VillageKind.RESIDENTIAL_GROUP,
        places=[(PlaceKind.AGENCY, "Ủy ban nhân dân xã Diên Sanh"),
                (PlaceKind.SCHOOL, "Trường THPT Hải Lăng")],
    ),
    DemoCommune(
        code="19702", hotline="0233 3871 113", chief="0914 119 702", population=None,
        remote=False,
        villages=[("Thôn Phú Hưng", None), ("Thôn Hội Kỳ", None), ("Thôn Thượng Xá", None),
                  ("Thôn Câu Nhi", None)],
        places=[(PlaceKind.AGENCY, "Ủy ban nhân dân xã Hải Lăng"),
                (PlaceKind.RELIGIOUS_SITE, "Đình làng Câu Nhi")],
    ),
    DemoCommune(
        code="19741", hotline="0233 3872 113", chief="0914 119 741", population=None,
        remote=False,
        villages=[("Thôn Mỹ Thủy", None), ("Thôn Thuận Đầu", None), ("Thôn Hội Điền", None)],
        places=[(PlaceKind.AGENCY, "Ủy ban nhân dân xã Mỹ Thủy"),
                (PlaceKind.ACCOMMODATION, "Nhà nghỉ Biển Mỹ Thủy")],
    ),
    DemoCommune(
        code="19735", hotline="0233 3873 113", chief="0914 119 735", population=None,
        remote=False,
        villages=[("Thôn Văn Quỹ", None), ("Thôn Trường Xuân", None), ("Thôn Xuân Lộc", None)],
        places=[(PlaceKind.AGENCY, "Ủy ban nhân dân xã Nam Hải Lăng")],
    ),
    DemoCommune(
        code="19699", hotline="0233 3874 113", chief="0914 119 699", population=None,
        remote=False,
        villages=[("Thôn Lam Thủy", None), ("Thôn Hưng Nhơn", None), ("Thôn Diên Khánh", None)],
        places=[(PlaceKind.AGENCY, "Ủy ban nhân dân xã Vĩnh Định")],
    ),
]


@dataclass
class SeedReport:
    communes: int = 0
    villages_created: int = 0
    places_created: int = 0
    names: list[str] = field(default_factory=list)


def _split_population(total: int, parts: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    shares[0] += total - sum(shares)
    return shares


@transaction.atomic
def seed_demo_territories() -> SeedReport:
    report = SeedReport()
    rng = random.Random(SEED)
    for spec in DEMO_COMMUNES:
        commune = AdministrativeUnit.objects.get(structure=Structure.CURRENT, code=spec.code)
        report.communes += 1
        report.names.append(commune.name)
        commune_settings_update(commune=commune, duty_hotline=spec.hotline,
                                chief_phone=spec.chief, is_remote=spec.remote,
                                public_pages_open=True, population=spec.population)
        populations = (_split_population(spec.population, len(spec.villages), rng)
                       if spec.population else [None] * len(spec.villages))
        existing = set(Village.objects.active().filter(commune=commune)
                       .values_list("name_key", flat=True))
        for (name, former_code), population in zip(spec.villages, populations):
            angle, distance = rng.uniform(0, 6.283), rng.uniform(0.1, 0.8)
            if fold(name) in existing:
                continue
            former = (AdministrativeUnit.objects.get(structure=Structure.LEGACY, code=former_code)
                      if former_code else None)
            lat = round(commune.latitude + distance * 0.03 * math.cos(angle), 5)
            lon = round(commune.longitude + distance * 0.03 * math.sin(angle), 5)
            village_create(
                commune=commune, name=name, kind=spec.village_kind, former_unit=former,
                latitude=lat, longitude=lon, population=population,
                households=population // 4 if population else None)
            report.villages_created += 1
        existing_places = set(Place.objects.active().filter(commune=commune)
                              .values_list("kind", "name_key"))
        for kind, name in spec.places:
            if (kind, fold(name)) in existing_places:
                continue
            place_create(commune=commune, kind=kind, name=name)
            report.places_created += 1
    return report

