"""A commune's public facts, and staff writes: settings, villages, places."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from safecommune.api.auth import optional_auth, token_or_session
from safecommune.core.errors import NotFound
from safecommune.territory import selectors, services
from safecommune.territory.models import PlaceKind, Structure, VillageKind
from safecommune.territory.permissions import can_edit_commune, can_see_closed_commune

router = Router(tags=["communes"])


class SettingsOut(Schema):
    duty_hotline: str
    chief_phone: str | None = None
    is_remote: bool
    public_pages_open: bool
    population: int | None


class VillageOut(Schema):
    id: int
    name: str
    kind: VillageKind
    former_unit: str | None = Field(None, description="Code of the pre-2025 commune")
    latitude: float | None
    longitude: float | None
    households: int | None
    population: int | None


class PlaceOut(Schema):
    id: int
    name: str
    kind: PlaceKind
    village_id: int | None
    address: str
    latitude: float | None
    longitude: float | None


class CommuneOut(Schema):
    code: str
    name: str
    province: str
    area_km2: float | None
    latitude: float | None
    longitude: float | None
    settings: SettingsOut
    villages: int
    places: int


class SettingsIn(Schema):
    duty_hotline: str | None = Field(None, max_length=20)
    chief_phone: str | None = Field(None, max_length=20)
    is_remote: bool | None = None
    public_pages_open: bool | None = None
    population: int | None = Field(None, ge=0)


class VillageIn(Schema):
    name: str = Field(..., min_length=1, max_length=128)
    kind: VillageKind = VillageKind.VILLAGE
    former_unit: str | None = Field(None, max_length=8,
                                    description="Code of a pre-2025 predecessor commune")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    households: int | None = Field(None, ge=0)
    population: int | None = Field(None, ge=0)


class PlaceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: PlaceKind
    village_id: int | None = None
    address: str = Field("", max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


def _visible_commune(request, code: str):
    commune = selectors.commune_get(code=code)
    settings_row = services.commune_settings_for(commune=commune)
    if not settings_row.public_pages_open and not can_see_closed_commune(
            user=request.user, commune=commune):
        raise NotFound(_("No administrative unit has code “%(code)s” in that structure.")
                       % {"code": code}, field="code", rule="exists")
    return commune, settings_row


def _editable_commune(request, code: str):
    commune = selectors.commune_get(code=code)
    if not can_edit_commune(user=request.auth, commune=commune):
        raise HttpError(403, _("You are not allowed to do this."))
    return commune


def _settings_dict(row, *, private: bool) -> dict:
    return {"duty_hotline": row.duty_hotline, "chief_phone": row.chief_phone if private else None,
            "is_remote": row.is_remote, "public_pages_open": row.public_pages_open,
            "population": row.population}


def _village_dict(village) -> dict:
    return {"id": village.pk, "name": village.name, "kind": village.kind,
            "former_unit": village.former_unit.code if village.former_unit else None,
            "latitude": village.latitude, "longitude": village.longitude,
            "households": village.households, "population": village.population}


@router.get("/{code}", response=CommuneOut, auth=optional_auth,
            summary="A commune's public facts")
def commune_detail(request, code: str):
    commune, settings_row = _visible_commune(request, code)
    private = can_edit_commune(user=request.user, commune=commune)
    return {"code": commune.code, "name": commune.name, "province": commune.province.name,
            "area_km2": commune.area_km2, "latitude": commune.latitude,
            "longitude": commune.longitude,
            "settings": _settings_dict(settings_row, private=private),
            "villages": commune.villages.active().count(),
            "places": commune.places.active().count()}


@router.patch("/{code}/settings", response=SettingsOut, auth=token_or_session,
              summary="Change a commune's settings (staff)")
def commune_settings_patch(request, code: str, payload: SettingsIn):
    commune = _editable_commune(request, code)
    changes = payload.dict(exclude_unset=True)
    row = services.commune_settings_update(actor=request.auth, commune=commune, **changes)
    return _settings_dict(row, private=True)


@router.get("/{code}/villages", response=list[VillageOut], auth=optional_auth,
            summary="A commune's villages")
def village_list(request, code: str):
    commune, _settings = _visible_commune(request, code)
    return [_village_dict(v) for v in
            commune.villages.active().select_related("former_unit").order_by("name_key", "name")]


@router.post("/{code}/villages", response={201: VillageOut}, auth=token_or_session,
             summary="Add a village, hamlet or residential group (staff)")
def village_create(request, code: str, payload: VillageIn):
    commune = _editable_commune(request, code)
    data = payload.dict()
    former_code = data.pop("former_unit")
    former = None
    if former_code:
        try:
            former = selectors.unit_get(structure=Structure.LEGACY, code=former_code)
        except NotFound as exc:
            exc.status_code, exc.field = 422, "former_unit"
            raise
    village = services.village_create(actor=request.auth, commune=commune, former_unit=former,
                                      **data)
    return Status(201, _village_dict(village))


@router.get("/{code}/places", response=list[PlaceOut], auth=optional_auth,
            summary="A commune's places")
def place_list(request, code: str, kind: PlaceKind | None = None):
    commune, _settings = _visible_commune(request, code)
    places = commune.places.active().order_by("kind", "name_key", "name")
    if kind:
        places = places.filter(kind=kind)
    return list(places)


@router.post("/{code}/places", response={201: PlaceOut}, auth=token_or_session,
             summary="Add an agency, enterprise, school, accommodation or religious site (staff)")
def place_create(request, code: str, payload: PlaceIn):
    commune = _editable_commune(request, code)
    data = payload.dict()
    village_id = data.pop("village_id")
    village = None
    if village_id is not None:
        village = commune.villages.active().filter(pk=village_id).first()
        if village is None:
            raise NotFound(_("No village with id %(id)s in this commune.") % {"id": village_id},
                           field="village_id", rule="exists")
    place = services.place_create(actor=request.auth, commune=commune, village=village, **data)
    return Status(201, place)
