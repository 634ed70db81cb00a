"""Writes on territories: villages, places, commune settings and imported boundaries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append, audit_append_bulk
from safecommune.core.errors import DomainError, ValidationFailed, full_clean_or_raise
from safecommune.core.text import fold
from safecommune.territory import geo
from safecommune.territory.models import (
    AdministrativeUnit,
    CommuneSettings,
    Level,
    Place,
    Structure,
    UnitBoundary,
    Village,
)

DEADLINE_HOURS_REMOTE = {24: 48, 12: 24}


def _require_current_commune(unit: AdministrativeUnit, field: str = "commune") -> None:
    if unit.structure != Structure.CURRENT or unit.level != Level.COMMUNE:
        raise DomainError(_("Choose a commune of the 2025 structure."), field=field,
                          rule="current_commune")


def commune_settings_for(*, commune: AdministrativeUnit) -> CommuneSettings:
    """The commune's settings; defaults (not saved) when nobody has set them yet."""
    try:
        return commune.settings
    except CommuneSettings.DoesNotExist:
        # Made once per commune instance: a public submission asks twice.
        default = commune.__dict__.get("_default_settings")
        if default is None:
            default = commune.__dict__["_default_settings"] = CommuneSettings(commune=commune)
        return default


def deadline_hours(*, commune: AdministrativeUnit, hours: int) -> int:
    """A rule's hours for this commune: remote communes get 48 for 24 and 24 for 12."""
    if commune_settings_for(commune=commune).is_remote:
        return DEADLINE_HOURS_REMOTE.get(hours, hours)
    return hours


SETTINGS_FIELDS = ("duty_hotline", "chief_phone", "is_remote", "public_pages_open", "population")


@transaction.atomic
def commune_settings_update(*, actor=None, commune: AdministrativeUnit, **changes) -> CommuneSettings:
    _require_current_commune(commune)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                          field=sorted(unknown)[0], rule="unknown")
    row, _created = CommuneSettings.objects.select_for_update().get_or_create(
        commune=commune, defaults={"created_by": actor})
    row.commune = commune  # also refreshes commune.settings, which callers may read next
    for name, value in changes.items():
        setattr(row, name, "" if value is None and name in ("duty_hotline", "chief_phone")
                else value)
    row.modified_by = actor
    full_clean_or_raise(row)
    row.save()
    audit_append(action="commune_settings.update", actor=actor, commune=commune, obj=row,
                 details={"fields": sorted(changes)})
    return row


def _check_point(lat, lon) -> None:
    if (lat is None) != (lon is None):
        raise DomainError(_("Give both latitude and longitude, or neither."), field="latitude",
                          rule="pair")


@transaction.atomic
def village_create(*, actor=None, commune: AdministrativeUnit, name: str, kind: str = "village",
                   former_unit: AdministrativeUnit | None = None, latitude=None, longitude=None,
                   households=None, population=None) -> Village:
    _require_current_commune(commune)
    name = (name or "").strip()
    _check_point(latitude, longitude)
    if former_unit is not None and not former_unit.successions.filter(
            successor=commune).exists():
        raise DomainError(_("The former commune must be one of this commune's predecessors."),
                          field="former_unit", rule="predecessor")
    if name and Village.objects.active().filter(commune=commune, name_key=fold(name)).exists():
        raise ValidationFailed([{"field": "name", "rule": "unique",
                                 "message": _("This commune already has a village named "
                                              "“%(name)s”.") % {"name": name}}])
    village = Village(commune=commune, name=name, kind=kind, former_unit=former_unit,
                      latitude=latitude, longitude=longitude, households=households,
                      population=population, created_by=actor, modified_by=actor)
    village.name_key = fold(name)
    full_clean_or_raise(village, validate_constraints=False)
    village.save()
    audit_append(action="village.create", actor=actor, commune=commune, obj=village)
    return village


@transaction.atomic
def village_archive(*, actor=None, village: Village, reason: str) -> Village:
    if not (reason or "").strip():
        raise DomainError(_("Say why the village is archived."), field="reason", rule="required")
    village.archived_at = timezone.now()
    village.archive_reason = reason.strip()
    village.modified_by = actor
    village.save(update_fields=["archived_at", "archive_reason", "modified_by", "modified_at"])
    audit_append(action="village.archive", actor=actor, commune=village.commune, obj=village)
    return village


@transaction.atomic
def place_create(*, actor=None, commune: AdministrativeUnit, kind: str, name: str,
                 village: Village | None = None, address: str = "", latitude=None,
                 longitude=None) -> Place:
    _require_current_commune(commune)
    name = (name or "").strip()
    _check_point(latitude, longitude)
    if village is not None and village.commune_id != commune.pk:
        raise DomainError(_("The village must belong to the same commune."), field="village",
                          rule="same_commune")
    if name and Place.objects.active().filter(commune=commune, kind=kind,
                                              name_key=fold(name)).exists():
        raise ValidationFailed([{"field": "name", "rule": "unique",
                                 "message": _("This commune already has a place of this kind "
                                              "named “%(name)s”.") % {"name": name}}])
    place = Place(commune=commune, village=village, kind=kind, name=name, address=address,
                  latitude=latitude, longitude=longitude, created_by=actor, modified_by=actor)
    place.name_key = fold(name)
    full_clean_or_raise(place, validate_constraints=False)
    place.save()
    audit_append(action="place.create", actor=actor, commune=commune, obj=place)
    return place


# --- Boundaries -----------------------------------------------------------------------------

@dataclass
class BoundaryImportReport:
    imported: int
    replaced: int


class BoundaryImportError(DomainError):
    pass


def _feature_problems(index: int, feature: object, units: dict) -> tuple[list[str], object]:
    where = _("feature %(n)d") % {"n": index + 1}
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [_("%(where)s: not a GeoJSON Feature") % {"where": where}], None
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return [_("%(where)s: properties must be an object") % {"where": where}], None
    code = str(properties.get("code", "")).strip()
    structure = str(properties.get("structure", Structure.CURRENT))
    problems = []
    unit = units.get((structure, code))
    if not code:
        problems.append(_("%(where)s: properties.code is required") % {"where": where})
    elif unit is None:
        problems.append(_("%(where)s: no unit has code “%(code)s” in structure “%(structure)s”")
                        % {"where": where, "code": code, "structure": structure})
    for problem in geo.validate_polygon_geometry(feature.get("geometry")):
        problems.append(f"{where}: {problem}")
    return problems, unit


def boundaries_parse(*, text: str) -> list[tuple[AdministrativeUnit, dict]]:
    """Validate a GeoJSON FeatureCollection whole; raise listing every problem, or return pairs."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BoundaryImportError(_("The file is not valid JSON: %(error)s (line %(line)d).")
                                  % {"error": exc.msg, "line": exc.lineno},
                                  field="file", rule="json") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise BoundaryImportError(_("The file must be a GeoJSON FeatureCollection."),
                                  field="file", rule="geojson")
    codes = {str(f["properties"].get("code", "")) for f in data["features"]
             if isinstance(f, dict) and isinstance(f.get("properties"), dict)}
    units = {(u.structure, u.code): u for u in AdministrativeUnit.objects.filter(code__in=codes)}
    problems: list[str] = []
    pairs = []
    seen: set[int] = set()
    for index, feature in enumerate(data["features"]):
        feature_problems, unit = _feature_problems(index, feature, units)
        if unit is not None and unit.pk in seen:
            feature_problems.append(_("feature %(n)d: unit “%(code)s” appears twice")
                                    % {"n": index + 1, "code": unit.code})
        problems.extend(feature_problems)
        if not feature_problems:
            seen.add(unit.pk)
            pairs.append((unit, feature["geometry"]))
    if problems:
        raise BoundaryImportError("; ".join(problems[:20]) + (
            _(" … and %(n)d more") % {"n": len(problems) - 20} if len(problems) > 20 else ""),
            field="file", rule="geojson")
    if not pairs:
        raise BoundaryImportError(_("The file has no features."), field="file", rule="empty")
    return pairs


@transaction.atomic
def boundaries_import(*, actor=None, path: Path | str) -> BoundaryImportReport:
    """Import polygons from a GeoJSON file, all or nothing."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BoundaryImportError(_("Cannot read %(path)s: %(error)s")
                                  % {"path": path, "error": exc}, field="file",
                                  rule="readable") from None
    pairs = boundaries_parse(text=text)
    existing = set(UnitBoundary.objects.filter(unit__in=[u for u, _g in pairs])
                   .values_list("unit_id", flat=True))
    for unit, geometry in pairs:
        min_lat, max_lat, min_lon, max_lon = geo.geometry_bbox(geometry)
        UnitBoundary.objects.update_or_create(unit=unit, defaults={
            "geometry": geometry, "min_lat": min_lat, "max_lat": max_lat, "min_lon": min_lon,
            "max_lon": max_lon, "source": Path(path).name})
    audit_append_bulk(action="territory.boundaries_import", actor=actor,
                      rows=((u.structure, u.code, g) for u, g in pairs),
                      details={"imported": len(pairs) - len(existing), "replaced": len(existing)})
    return BoundaryImportReport(imported=len(pairs) - len(existing), replaced=len(existing))
