"""Reads on territories: search, one unit with its neighbours across the reform, and which 2025
commune a record belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from safecommune.core.errors import DomainError, NotFound
from safecommune.core.statements import Join, Table
from safecommune.core.text import fold, query_keys
from safecommune.territory import geo
from safecommune.territory.models import (
    AdministrativeUnit,
    CommuneSettings,
    Level,
    Structure,
    UnitBoundary,
    UnitSuccession,
    Village,
)

MAX_QUERY_LENGTH = 100
# Statements for the intake path (docs/decisions/0022-hot-path-statements.md).
_UNITS = Table(AdministrativeUnit)
_SETTINGS = Table(CommuneSettings)
_VILLAGES = Table(Village)
_BOUNDARIES = Table(UnitBoundary)


def unit_get(*, structure: str, code: str) -> AdministrativeUnit:
    if structure not in Structure.values:
        raise NotFound(_("Unknown structure “%(value)s”; use “2025” or “legacy”.")
                       % {"value": structure}, field="structure", rule="choice")
    try:
        return AdministrativeUnit.objects.select_related("parent", "province").get(
            structure=structure, code=code)
    except AdministrativeUnit.DoesNotExist:
        raise NotFound(_("No administrative unit has code “%(code)s” in that structure.")
                       % {"code": code}, field="code", rule="exists") from None


def commune_get(*, code: str) -> AdministrativeUnit:
    unit = unit_get(structure=Structure.CURRENT, code=code)
    if unit.level != Level.COMMUNE:
        raise NotFound(_("Unit “%(code)s” is not a commune-level unit.") % {"code": code},
                       field="code", rule="commune")
    return unit


def commune_with(*, code: str, joins: Sequence[Join] = ()) -> tuple:
    """The 2025 commune with this code, its settings row attached (``commune.settings`` costs
    no query; absent settings read as the defaults in ``commune_settings_for``), and, in the
    same statement, one row of each of ``joins`` (``LEFT JOIN``s whose ``ON`` refers to
    ``"territory_administrativeunit"``): ``(commune, joined…)``, None for a join that found
    nothing. The public intake path runs it on every submission; parent and province are not
    loaded."""
    found = _UNITS.get_joined(
        [Join(_SETTINGS, '"territory_communesettings"."commune_id" = '
                         '"territory_administrativeunit"."id"'), *joins],
        where='"territory_administrativeunit"."structure" = %s AND '
              '"territory_administrativeunit"."code" = %s',
        params=[Structure.CURRENT, str(code)])
    if found is None:
        raise NotFound(_("No administrative unit has code “%(code)s” in that structure.")
                       % {"code": code}, field="code", rule="exists")
    unit, settings_row, *joined = found
    if unit.level != Level.COMMUNE:
        raise NotFound(_("Unit “%(code)s” is not a commune-level unit.") % {"code": code},
                       field="code", rule="commune")
    AdministrativeUnit.settings.related.set_cached_value(unit, settings_row)
    if settings_row is not None:
        CommuneSettings.commune.field.set_cached_value(settings_row, unit)
    return (unit, *joined)


def active_village_join(pk: int) -> Join:
    """For ``commune_with``: the commune's village with this id unless archived. An id no
    row can have (below 1, beyond 64 bits) matches nothing: SQLite would refuse to bind it."""
    pk = int(pk)
    return Join(_VILLAGES, '"territory_village"."id" = %s AND "territory_village"."commune_id" '
                           '= "territory_administrativeunit"."id" AND '
                           '"territory_village"."archived_at" IS NULL',
                [pk if 0 < pk < 2**63 else 0])


def boundary_join() -> Join:
    """For ``commune_with``: the commune's polygon, if one was imported; attach what it finds
    with ``boundary_attach`` so ``unit_contains`` reads no more."""
    return Join(_BOUNDARIES, '"territory_unitboundary"."unit_id" = '
                             '"territory_administrativeunit"."id"')


def boundary_attach(unit: AdministrativeUnit, boundary: UnitBoundary | None) -> None:
    AdministrativeUnit.boundary.related.set_cached_value(unit, boundary)
    if boundary is not None:
        UnitBoundary.unit.field.set_cached_value(boundary, unit)


def unit_search_queryset(*, query: str, structure: str | None = None, level: str | None = None,
                         parent: AdministrativeUnit | None = None) -> QuerySet[AdministrativeUnit]:
    """Units whose name matches ``query`` folded or phonetically, best matches first.

    Ranking: exact folded name, then folded name ending with or containing the query as whole
    words, folded substring, phonetic suffix, phonetic substring; current structure before the
    old one; then name.
    """
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise DomainError(_("The search text is longer than %(max)d characters.")
                          % {"max": MAX_QUERY_LENGTH}, field="q", rule="max_length")
    folded = fold(query)
    keys = query_keys(query)
    if not folded or not keys:
        return AdministrativeUnit.objects.none()
    phonetic_q = Q()
    for key in keys:
        phonetic_q |= Q(phonetic_key__contains=key)
    queryset = AdministrativeUnit.objects.filter(Q(name_key__contains=folded) | phonetic_q)
    if structure:
        queryset = queryset.filter(structure=structure)
    if level:
        queryset = queryset.filter(level=level)
    if parent is not None:
        queryset = queryset.filter(Q(parent=parent) | Q(province=parent))
    primary = keys[0]
    rank = Case(
        # The name exactly as typed, accents included, beats names that only fold alike.
        When(Q(short_name=query) | Q(name=query), then=Value(-1)),
        When(name_key=folded, then=Value(0)),
        When(name_key__endswith=" " + folded, then=Value(1)),
        When(name_key__contains=" " + folded, then=Value(2)),
        When(name_key__contains=folded, then=Value(3)),
        When(phonetic_key__endswith=primary, then=Value(4)),
        When(phonetic_key__contains=primary, then=Value(5)),
        default=Value(6),
        output_field=IntegerField(),
    )
    structure_rank = Case(When(structure=Structure.CURRENT, then=Value(0)), default=Value(1),
                          output_field=IntegerField())
    level_rank = Case(When(level=Level.PROVINCE, then=Value(0)),
                      When(level=Level.DISTRICT, then=Value(1)), default=Value(2),
                      output_field=IntegerField())
    return (queryset.select_related("parent", "province")
            .annotate(rank=rank, structure_rank=structure_rank, level_rank=level_rank)
            .order_by("rank", "structure_rank", "level_rank", "name_key", "code"))


def unit_search(*, query: str, structure: str | None = None, level: str | None = None,
                parent: AdministrativeUnit | None = None,
                limit: int | None = None) -> list[AdministrativeUnit]:
    """The first ``limit`` (default SAFECOMMUNE_SEARCH_LIMIT) matches of unit_search_queryset."""
    limit = limit or settings.SAFECOMMUNE_SEARCH_LIMIT
    return list(unit_search_queryset(query=query, structure=structure, level=level,
                                     parent=parent)[:limit])


def unit_successors(*, unit: AdministrativeUnit) -> list[UnitSuccession]:
    return list(UnitSuccession.objects.filter(predecessor=unit)
                .select_related("successor", "successor__parent")
                .order_by("-is_default", "successor__name"))


def unit_predecessors(*, unit: AdministrativeUnit) -> list[UnitSuccession]:
    return list(UnitSuccession.objects.filter(successor=unit)
                .select_related("predecessor", "predecessor__parent")
                .order_by("predecessor__parent__name", "predecessor__name"))


def units_successors(*, units: list[AdministrativeUnit]) -> dict[int, list[UnitSuccession]]:
    """Successors of many units in one query, for lists."""
    result: dict[int, list[UnitSuccession]] = {u.pk: [] for u in units}
    rows = (UnitSuccession.objects.filter(predecessor__in=[u.pk for u in units])
            .select_related("successor", "successor__parent")
            .order_by("-is_default", "successor__name"))
    for row in rows:
        result[row.predecessor_id].append(row)
    return result


def unit_children(*, unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return unit.children.order_by("name_key")


def province_communes(*, province: AdministrativeUnit, query: str = "") -> list[AdministrativeUnit]:
    if province.level != Level.PROVINCE:
        raise DomainError(_("Unit “%(code)s” is not a province.") % {"code": province.code},
                          field="province", rule="province")
    if query.strip():
        return unit_search(query=query, structure=province.structure, level=Level.COMMUNE,
                           parent=province, limit=500)
    return list(AdministrativeUnit.objects.filter(province=province, level=Level.COMMUNE)
                .select_related("parent").order_by("name_key"))


# --- Which commune a point or a record belongs to -----------------------------------------

def _boundaries_for(units: list[AdministrativeUnit]) -> dict[int, UnitBoundary]:
    return {b.unit_id: b for b in UnitBoundary.objects.filter(unit__in=[u.pk for u in units])}


def unit_boundary(unit: AdministrativeUnit) -> UnitBoundary | None:
    """The unit's imported polygon, None without one: as read with the unit
    (``boundary_join``), else one statement."""
    cache = AdministrativeUnit.boundary.related
    if cache.is_cached(unit):
        return cache.get_cached_value(unit)
    return _BOUNDARIES.get("unit_id = %s", [unit.pk])  # one row at most (one-to-one)


def unit_contains(*, unit: AdministrativeUnit, point: tuple[float, float]) -> bool:
    """Is the point in the unit: by its imported polygon, else by the circle rule."""
    boundary = unit_boundary(unit)
    if boundary is not None:
        return geo.geometry_contains(boundary.geometry, point)
    if unit.point is None or not unit.area_km2:
        return False
    return geo.in_circle(point, unit.point, unit.area_km2, settings.SAFECOMMUNE_CIRCLE_FACTOR)


def _containment_scores(units: list[AdministrativeUnit],
                        point: tuple[float, float]) -> list[tuple[float, AdministrativeUnit]]:
    """(score, unit) for units containing the point; a polygon hit scores 0 (certain)."""
    boundaries = _boundaries_for(units)
    factor = settings.SAFECOMMUNE_CIRCLE_FACTOR
    hits: list[tuple[float, AdministrativeUnit]] = []
    for unit in units:
        boundary = boundaries.get(unit.pk)
        if boundary is not None:
            if geo.geometry_contains(boundary.geometry, point):
                hits.append((0.0, unit))
        elif unit.point is not None and unit.area_km2:
            score = geo.circle_score(point, unit.point, unit.area_km2, factor)
            if score <= 1.0:
                hits.append((score, unit))
    hits.sort(key=lambda hit: (hit[0], hit[1].code))
    return hits


# Search window around a point: wide enough for the largest commune's circle (about 0.2°)
# at factor 1; it grows with SAFECOMMUNE_CIRCLE_FACTOR as the circles do.
_WINDOW_DEGREES = 0.35


def communes_containing(*, point: tuple[float, float]) -> list[AdministrativeUnit]:
    """2025 communes containing the point, most certain first."""
    lat, lon = validate_point(point)
    window = _WINDOW_DEGREES * max(1.0, settings.SAFECOMMUNE_CIRCLE_FACTOR)
    near = list(AdministrativeUnit.objects.filter(
        structure=Structure.CURRENT, level=Level.COMMUNE,
        latitude__range=(lat - window, lat + window),
        longitude__range=(lon - window, lon + window),
    ))
    polygon_units = list(AdministrativeUnit.objects.filter(
        structure=Structure.CURRENT, level=Level.COMMUNE,
        boundary__min_lat__lte=lat, boundary__max_lat__gte=lat,
        boundary__min_lon__lte=lon, boundary__max_lon__gte=lon,
    ).exclude(pk__in=[u.pk for u in near]))
    return [unit for _score, unit in _containment_scores(near + polygon_units, (lat, lon))]


def validate_point(point: tuple[float, float]) -> tuple[float, float]:
    try:
        lat, lon = float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError):
        raise DomainError(_("A point needs a latitude and a longitude as numbers."),
                          field="point", rule="format") from None
    if not (-90 <= lat <= 90):
        raise DomainError(_("Latitude must be between -90 and 90."), field="lat", rule="range")
    if not (-180 <= lon <= 180):
        raise DomainError(_("Longitude must be between -180 and 180."), field="lon",
                          rule="range")
    return lat, lon


class ResolutionMethod:
    SELF = "self"
    SOLE_SUCCESSOR = "sole_successor"
    POINT = "point"
    DEFAULT = "default"


@dataclass(frozen=True)
class Resolution:
    commune: AdministrativeUnit
    method: str
    candidates: tuple[AdministrativeUnit, ...] = ()

    @property
    def explanation(self) -> str:
        if self.method == ResolutionMethod.SELF:
            return _("Recorded under a current commune.")
        if self.method == ResolutionMethod.SOLE_SUCCESSOR:
            return _("The former commune merged whole into %(commune)s.") % {
                "commune": self.commune.name}
        if self.method == ResolutionMethod.POINT:
            return _("The former commune was split; its location lies in %(commune)s.") % {
                "commune": self.commune.name}
        return _("The former commune was split; without a location in one of its parts the "
                 "record goes to the default successor, %(commune)s.") % {
            "commune": self.commune.name}


def resolve_commune(unit: AdministrativeUnit,
                    point: tuple[float, float] | None = None) -> Resolution:
    """The 2025 commune a record made under ``unit`` belongs to.

    A current commune is itself. A former commune that merged whole goes to its successor. A
    split one goes to the part containing ``point`` (polygon, else circle rule, the deepest
    inside wins), else to the package's default successor.
    """
    if point is not None:
        point = validate_point(point)
    if unit.structure == Structure.CURRENT:
        if unit.level != Level.COMMUNE:
            raise DomainError(_("“%(name)s” is not a commune-level unit.") % {"name": unit.name},
                              field="unit", rule="commune")
        return Resolution(unit, ResolutionMethod.SELF, (unit,))
    successions = list(UnitSuccession.objects.filter(
        predecessor=unit, successor__level=Level.COMMUNE).select_related("successor"))
    if not successions:
        raise DomainError(_("“%(name)s” has no commune-level successor; record it under a "
                            "commune.") % {"name": unit.name}, field="unit", rule="commune")
    candidates = tuple(s.successor for s in successions)
    if len(successions) == 1:
        return Resolution(candidates[0], ResolutionMethod.SOLE_SUCCESSOR, candidates)
    if point is not None:
        hits = _containment_scores(list(candidates), point)
        if hits:
            return Resolution(hits[0][1], ResolutionMethod.POINT, candidates)
    default = next(s.successor for s in successions if s.is_default)
    return Resolution(default, ResolutionMethod.DEFAULT, candidates)


def provinces_current() -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.filter(structure=Structure.CURRENT,
                                                  level=Level.PROVINCE).order_by("name_key"))


def district_successor_communes(*, district: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The 2025 communes a former district's communes went to (districts themselves ended)."""
    return list(AdministrativeUnit.objects.filter(
        predecessions__predecessor__parent=district).distinct().order_by("name_key"))
