"""Administrative units: list and search, one unit with children, predecessors, successors."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from safecommune.core.errors import DomainError
from safecommune.territory import selectors
from safecommune.territory.models import AdministrativeUnit, Level, Structure

router = Router(tags=["territory"])


class UnitRef(Schema):
    structure: str
    code: str
    level: str
    kind: str
    name: str
    url: str


class SuccessionOut(Schema):
    unit: UnitRef
    is_default: bool
    is_split: bool


class UnitOut(UnitRef):
    short_name: str
    parent: UnitRef | None = None
    province: UnitRef | None = None
    latitude: float | None = None
    longitude: float | None = None
    area_km2: float | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successors: list[SuccessionOut] = Field(default_factory=list)


class UnitDetailOut(UnitOut):
    children: list[UnitRef]
    predecessors: list[SuccessionOut]


class UnitPage(Schema):
    count: int
    results: list[UnitOut]


class UnitFilter(Schema):
    q: str = Field("", max_length=100, description="Name, with or without accents, or in "
                                                    "Cyrillic; partial words match.")
    structure: Structure | None = Field(None, description="2025 or legacy")
    level: Level | None = None
    parent: str | None = Field(None, description="Code of the parent or province, in the same "
                                                  "structure")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=20000)


def _ref(unit: AdministrativeUnit | None) -> dict | None:
    if unit is None:
        return None
    return {"structure": unit.structure, "code": unit.code, "level": unit.level,
            "kind": unit.kind, "name": unit.name,
            "url": f"/api/v1/units/{unit.structure}/{unit.code}"}


def _succession(row, attr: str) -> dict:
    return {"unit": _ref(getattr(row, attr)), "is_default": row.is_default,
            "is_split": row.is_split}


def _unit_dict(unit: AdministrativeUnit, successors) -> dict:
    return {
        **_ref(unit),
        "short_name": unit.short_name, "parent": _ref(unit.parent),
        "province": _ref(unit.province), "latitude": unit.latitude, "longitude": unit.longitude,
        "area_km2": unit.area_km2, "valid_from": unit.valid_from, "valid_to": unit.valid_to,
        "successors": [_succession(s, "successor") for s in successors],
    }


@router.get("", response=UnitPage, summary="List or search administrative units")
def unit_list(request, filters: Query[UnitFilter]):
    parent = None
    if filters.parent:
        structure = filters.structure or Structure.CURRENT
        try:
            parent = selectors.unit_get(structure=structure, code=filters.parent)
        except DomainError as exc:
            exc.status_code = 400
            exc.field = "parent"
            raise
    if filters.q.strip():
        queryset = selectors.unit_search_queryset(query=filters.q, structure=filters.structure,
                                                  level=filters.level, parent=parent)
        count = queryset.count()
        units = list(queryset[filters.offset:filters.offset + filters.limit])
    else:
        queryset = AdministrativeUnit.objects.select_related("parent", "province")
        if filters.structure:
            queryset = queryset.filter(structure=filters.structure)
        if filters.level:
            queryset = queryset.filter(level=filters.level)
        if parent is not None:
            queryset = queryset.filter(parent=parent)
        count = queryset.count()
        units = list(queryset.order_by("structure", "code")[
            filters.offset:filters.offset + filters.limit])
    successors = selectors.units_successors(units=units)
    return {"count": count, "results": [_unit_dict(u, successors[u.pk]) for u in units]}


@router.get("/resolve", response={200: dict}, summary="The 2025 commune a unit (and point) "
                                                     "belongs to")
def unit_resolve(request, structure: Structure, code: str, lat: float | None = None,
                 lon: float | None = None):
    unit = selectors.unit_get(structure=structure, code=code)
    if (lat is None) != (lon is None):
        raise DomainError(_("Give both lat and lon, or neither."), field="lat", rule="pair")
    point = (lat, lon) if lat is not None else None
    resolution = selectors.resolve_commune(unit, point)
    return {"commune": {"structure": resolution.commune.structure,
                        "code": resolution.commune.code, "name": resolution.commune.name},
            "method": resolution.method, "explanation": resolution.explanation}


@router.get("/{structure}/{code}", response=UnitDetailOut, summary="One unit with its children, "
                                                                   "predecessors and successors")
def unit_detail(request, structure: str, code: str):
    unit = selectors.unit_get(structure=structure, code=code)
    data = _unit_dict(unit, selectors.unit_successors(unit=unit))
    data["children"] = [_ref(child) for child in selectors.unit_children(unit=unit)]
    data["predecessors"] = [_succession(s, "predecessor")
                            for s in selectors.unit_predecessors(unit=unit)]
    return data
