"""Load the real administrative units from ``vietnamadminunits`` (offline data in the package).

Both structures are loaded keyed by statistics-office code, with the old→new mapping. The load
is idempotent: units are matched on (structure, code), changed rows updated, missing rows
created; successions are brought to exactly the package's mapping.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources

from django.conf import settings
from django.db import transaction

from safecommune.core.audit import audit_append_bulk
from safecommune.core.dbfeatures import refresh_search_indexes
from safecommune.core.text import fold, phonetic
from safecommune.territory.models import AdministrativeUnit, Level, Structure, UnitSuccession

UNIT_FIELDS = ["level", "kind", "name", "short_name", "parent_id", "province_id", "latitude",
               "longitude", "area_km2", "bbox", "valid_from", "valid_to", "name_key",
               "phonetic_key"]


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_deleted: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed_rows(self) -> int:
        return (self.created + self.updated + self.successions_created
                + self.successions_updated + self.successions_deleted)


def _data_file(name: str):
    return resources.files("vietnamadminunits") / "data" / name


def _rows(sql: str) -> list[sqlite3.Row]:
    with resources.as_file(_data_file("dataset.db")) as path:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()


def _reform_dates() -> tuple[date, date]:
    reform = date.fromisoformat(settings.SAFECOMMUNE_REFORM_DATE)
    return reform, reform - timedelta(days=1)


def _kind_of(name: str, short: str) -> str:
    kind = name[: len(name) - len(short)].strip() if name.endswith(short) else ""
    return kind or name.split(" ")[0]


@dataclass
class _Spec:
    structure: str
    code: str
    level: str
    kind: str
    name: str
    short_name: str
    parent: tuple[str, str] | None
    province: tuple[str, str] | None
    latitude: float | None
    longitude: float | None
    area_km2: float | None = None
    bbox: str = ""


class TerritoryLoader:
    def __init__(self, progress: Callable[[str], None] | None = None):
        self.progress = progress or (lambda message: None)
        self.reform, self.legacy_end = _reform_dates()
        self.specs: list[_Spec] = []
        self.new_keys: dict[tuple[str, str], str] = {}
        self.new_province_keys: dict[str, str] = {}
        self.legacy_keys: dict[str, tuple[str, str]] = {}
        self.legacy_province_keys: dict[str, str] = {}

    # --- reading the package -------------------------------------------------------------
    def read(self) -> None:
        self._read_current()
        self._read_legacy()

    def _read_current(self) -> None:
        rows = _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode")
        areas: dict[str, float] = {}
        for r in rows:
            areas[r["provinceCode"]] = areas.get(r["provinceCode"], 0.0) + (r["wardAreaKm2"] or 0)
        seen: set[str] = set()
        for r in rows:
            pcode = r["provinceCode"]
            if pcode not in seen:
                seen.add(pcode)
                self.new_province_keys[r["provinceKey"]] = pcode
                self.specs.append(_Spec(
                    Structure.CURRENT, pcode, Level.PROVINCE,
                    _kind_of(r["province"], r["provinceShort"]), r["province"],
                    r["provinceShort"], None, None, r["provinceLat"], r["provinceLon"],
                    round(areas[pcode], 2)))
            self.new_keys[(r["provinceKey"], r["wardKey"])] = r["wardCode"]
            self.specs.append(_Spec(
                Structure.CURRENT, r["wardCode"], Level.COMMUNE, r["wardType"], r["ward"],
                r["wardShort"], (Structure.CURRENT, pcode), (Structure.CURRENT, pcode),
                r["wardLat"], r["wardLon"], r["wardAreaKm2"] or None))

    def _read_legacy(self) -> None:
        rows = _rows("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, "
                     "wardCode")
        provinces: set[str] = set()
        districts: set[str] = set()
        for r in rows:
            pcode, dcode = r["provinceCode"], r["districtCode"]
            province = (Structure.LEGACY, pcode)
            if pcode not in provinces:
                provinces.add(pcode)
                self.legacy_province_keys[r["provinceKey"]] = pcode
                self.specs.append(_Spec(
                    Structure.LEGACY, pcode, Level.PROVINCE,
                    _kind_of(r["province"], r["provinceShort"]), r["province"],
                    r["provinceShort"], None, None, r["provinceLat"], r["provinceLon"],
                    bbox=r["provinceBounds"] or ""))
            if dcode not in districts:
                districts.add(dcode)
                self.specs.append(_Spec(
                    Structure.LEGACY, dcode, Level.DISTRICT, r["districtType"], r["district"],
                    r["districtShort"], province, province, r["districtLat"],
                    r["districtLon"], bbox=r["districtBounds"] or ""))
                # Island districts have no communes; records there map district → special zone.
                self.legacy_keys[f'{r["provinceKey"]}_{r["districtKey"]}_'] = (
                    Structure.LEGACY, dcode)
            if r["wardCode"]:
                self.legacy_keys[f'{r["provinceKey"]}_{r["districtKey"]}_{r["wardKey"]}'] = (
                    Structure.LEGACY, r["wardCode"])
                self.specs.append(_Spec(
                    Structure.LEGACY, r["wardCode"], Level.COMMUNE, r["wardType"], r["ward"],
                    r["wardShort"], (Structure.LEGACY, dcode), province, r["wardLat"],
                    r["wardLon"], bbox=r["wardBounds"] or ""))

    def mapping(self) -> dict[tuple[tuple[str, str], tuple[str, str]], tuple[bool, bool]]:
        """(old unit, new unit) → (is_default, is_split), by code."""
        with resources.as_file(_data_file("converter_2025.json")) as path:
            data = json.loads(path.read_text(encoding="utf-8"))
        pairs: dict[tuple[tuple[str, str], tuple[str, str]], tuple[bool, bool]] = {}
        for new_pkey, old_pkeys in data["DICT_PROVINCE"].items():
            new = (Structure.CURRENT, self.new_province_keys[new_pkey])
            for old_pkey in old_pkeys:
                old = (Structure.LEGACY, self.legacy_province_keys[old_pkey])
                # A province that merged into one new province: that is its default too.
                pairs[(old, new)] = (True, False)
        for new_pkey, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for new_wkey, old_keys in wards.items():
                new = (Structure.CURRENT, self.new_keys[(new_pkey, new_wkey)])
                for old_key in old_keys:
                    pairs[(self.legacy_keys[old_key], new)] = (True, False)
        for new_pkey, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old_key, parts in olds.items():
                old = self.legacy_keys[old_key]
                for part in parts:
                    new = (Structure.CURRENT, self.new_keys[(new_pkey, part["newWardKey"])])
                    pairs[(old, new)] = (bool(part["isDefaultNewWard"]), True)
        return pairs

    # --- writing ---------------------------------------------------------------------------
    @transaction.atomic
    def load(self) -> LoadReport:
        self.progress("reading vietnamadminunits")
        self.read()
        report = LoadReport()
        existing = {(u.structure, u.code): u for u in AdministrativeUnit.objects.all()}
        order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
        by_level = sorted(self.specs, key=lambda s: order[s.level])
        for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
            batch = [s for s in by_level if s.level == level]
            self.progress(f"writing {len(batch)} {level} units")
            to_create, to_update = [], []
            for spec in batch:
                values = self._values(spec, existing)
                unit = existing.get((spec.structure, spec.code))
                if unit is None:
                    unit = AdministrativeUnit(structure=spec.structure, code=spec.code, **values)
                    to_create.append(unit)
                    existing[(spec.structure, spec.code)] = unit
                elif any(getattr(unit, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(unit, k, v)
                    to_update.append(unit)
                else:
                    report.unchanged += 1
            AdministrativeUnit.objects.bulk_create(to_create, batch_size=2000)
            if to_update:
                AdministrativeUnit.objects.bulk_update(to_update, UNIT_FIELDS, batch_size=1000)
            report.created += len(to_create)
            report.updated += len(to_update)
        self.progress("writing the old-to-new mapping")
        self._load_successions(existing, report)
        for structure in Structure:
            for level in Level:
                report.counts[f"{structure.value}.{level.value}"] = (
                    AdministrativeUnit.objects.filter(structure=structure, level=level).count())
        if report.changed_rows:
            audit_append_bulk(action="territory.load", rows=self.specs, details={
                key: value for key, value in vars(report).items() if key != "counts"})
        return report

    def _values(self, spec: _Spec, existing: dict) -> dict:
        legacy = spec.structure == Structure.LEGACY
        return {
            "level": spec.level,
            "kind": spec.kind,
            "name": spec.name,
            "short_name": spec.short_name,
            "parent_id": existing[spec.parent].pk if spec.parent else None,
            "province_id": existing[spec.province].pk if spec.province else None,
            "latitude": spec.latitude,
            "longitude": spec.longitude,
            "area_km2": spec.area_km2,
            "bbox": spec.bbox,
            "valid_from": None if legacy else self.reform,
            "valid_to": self.legacy_end if legacy else None,
            "name_key": fold(spec.name),
            "phonetic_key": phonetic(spec.name),
        }

    def _load_successions(self, units: dict, report: LoadReport) -> None:
        wanted = {
            (units[old].pk, units[new].pk): flags for (old, new), flags in self.mapping().items()
        }
        current = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
        stale = [s.pk for key, s in current.items() if key not in wanted]
        changed = []
        for key, (is_default, is_split) in wanted.items():
            row = current.get(key)
            if row and (row.is_default, row.is_split) != (is_default, is_split):
                row.is_default, row.is_split = is_default, is_split
                changed.append(row)
        if stale:
            UnitSuccession.objects.filter(pk__in=stale).delete()
        if changed:
            # Clear defaults first so the one-default-per-predecessor constraint holds throughout.
            UnitSuccession.objects.filter(pk__in=[r.pk for r in changed]).update(is_default=False)
            UnitSuccession.objects.bulk_update(changed, ["is_default", "is_split"])
        new_rows = [
            UnitSuccession(predecessor_id=p, successor_id=s, is_default=d, is_split=split)
            for (p, s), (d, split) in wanted.items() if (p, s) not in current
        ]
        UnitSuccession.objects.bulk_create(new_rows, batch_size=2000)
        report.successions_created = len(new_rows)
        report.successions_updated = len(changed)
        report.successions_deleted = len(stale)


SEARCH_INDEXES = ["unit_name_key_trgm", "unit_phonetic_key_trgm"]


def territory_load(progress: Callable[[str], None] | None = None) -> LoadReport:
    report = TerritoryLoader(progress).load()
    if report.changed_rows:
        refresh_search_indexes(AdministrativeUnit._meta.db_table, SEARCH_INDEXES)
    return report
