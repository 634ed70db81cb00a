"""Administrative units of both structures, the mapping across the 2025 reform, and what users
create under a commune: villages (and hamlets, residential groups) and places."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel
from safecommune.core.text import fold, phonetic


class Structure(models.TextChoices):
    CURRENT = "2025", _("since July 2025 (two tiers)")
    LEGACY = "legacy", _("before July 2025 (three tiers)")


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


class AdministrativeUnit(models.Model):
    """A province, district or commune-level unit of one structure, keyed by its statistics-office
    code. Codes are unique only within a structure: province 15 was Yên Bái before the reform
    and is Lào Cai after it."""

    structure = models.CharField(_("structure"), max_length=8, choices=Structure.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.CharField(_("code"), max_length=8)
    kind = models.CharField(_("kind"), max_length=32, help_text=_("Xã, Phường, Đặc khu, Tỉnh …"))
    name = models.CharField(_("name"), max_length=128)
    short_name = models.CharField(_("short name"), max_length=96)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    bbox = models.CharField(_("bounding box"), max_length=80, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    name_key = models.CharField(_("folded name"), max_length=160, db_index=True, editable=False)
    phonetic_key = models.CharField(_("phonetic key"), max_length=160, db_index=True,
                                    editable=False)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="unit_code_unique"),
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | ~Q(level="province"),
                name="unit_province_has_no_parent",
            ),
        ]
        indexes = [models.Index(fields=["structure", "level", "province"], name="unit_scope_idx")]
        ordering = ["structure", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_keys()
        super().save(*args, **kwargs)

    def refresh_keys(self) -> None:
        self.name_key = fold(self.name)
        self.phonetic_key = phonetic(self.name)

    @property
    def is_current(self) -> bool:
        return self.structure == Structure.CURRENT

    @property
    def is_commune(self) -> bool:
        return self.level == Level.COMMUNE

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


class UnitSuccession(models.Model):
    """Old unit → new unit across the 2025 reform (many-to-many). A split old commune has one
    row per new part; ``is_default`` marks the part records go to when they have no point."""

    predecessor = models.ForeignKey(AdministrativeUnit, verbose_name=_("predecessor"),
                                    on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(AdministrativeUnit, verbose_name=_("successor"),
                                  on_delete=models.CASCADE, related_name="predecessions")
    is_default = models.BooleanField(_("default successor"), default=True)
    is_split = models.BooleanField(_("split among several"), default=False)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique"),
            models.UniqueConstraint(fields=["predecessor"], condition=Q(is_default=True),
                                    name="succession_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class UnitBoundary(models.Model):
    """A polygon an administrator imported; it replaces the circle rule for its unit."""

    unit = models.OneToOneField(AdministrativeUnit, verbose_name=_("unit"),
                                on_delete=models.CASCADE, related_name="boundary")
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    min_lat = models.FloatField()
    max_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lon = models.FloatField()
    source = models.CharField(_("source"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 .\-]{1,18}[0-9]$",
    _("Enter a telephone number: digits, optionally starting with +, 3 to 20 characters."),
    code="phone",
)


class CommuneSettings(BaseModel):
    """Per-commune settings and facts kept by its police station."""

    commune = models.OneToOneField(
        AdministrativeUnit, verbose_name=_("commune"), primary_key=True,
        on_delete=models.CASCADE, related_name="settings",
        limit_choices_to={"structure": Structure.CURRENT, "level": Level.COMMUNE},
    )
    duty_hotline = models.CharField(_("duty hotline"), max_length=20, blank=True,
                                    validators=[phone_validator])
    chief_phone = models.CharField(_("chief's number"), max_length=20, blank=True,
                                   validators=[phone_validator])
    is_remote = models.BooleanField(
        _("remote commune"), default=False,
        help_text=_("Remote communes get 48 hours where the rule says 24, and 24 where it says 12."),
    )
    public_pages_open = models.BooleanField(_("public pages open"), default=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune settings")
        verbose_name_plural = _("commune settings")

    def __str__(self) -> str:
        return str(self.commune)


class VillageKind(models.TextChoices):
    VILLAGE = "village", _("village")
    HAMLET = "hamlet", _("hamlet")
    RESIDENTIAL_GROUP = "residential_group", _("residential group")


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Village(BaseModel):
    """A village, hamlet or residential group, created by users under a 2025 commune."""

    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"structure": Structure.CURRENT, "level": Level.COMMUNE},
    )
    former_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("former commune"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="former_villages",
        help_text=_("The pre-2025 commune the village belonged to, where known."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VillageKind.choices,
                            default=VillageKind.VILLAGE)
    name = models.CharField(_("name"), max_length=128)
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=LONGITUDE_VALIDATORS)
    households = models.PositiveIntegerField(_("number of households"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # Keys of Cyrillic names fold to up to two Latin letters per letter, hence the room.
    name_key = models.CharField(max_length=400, db_index=True, editable=False)
    phonetic_key = models.CharField(max_length=400, db_index=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_reason = models.CharField(_("archive reason"), max_length=255, blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["commune_id", "name_key", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name_key"],
                                    condition=Q(archived_at__isnull=True),
                                    name="village_name_unique_in_commune"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        self.phonetic_key = phonetic(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"name_key", "phonetic_key"}
        super().save(*args, **kwargs)


class PlaceKind(models.TextChoices):
    AGENCY = "agency", _("agency")
    ENTERPRISE = "enterprise", _("enterprise")
    STATE_OWNED_ENTERPRISE = "state_owned_enterprise", _("state-owned enterprise")
    SCHOOL = "school", _("school")
    ACCOMMODATION = "accommodation", _("accommodation establishment")
    RELIGIOUS_SITE = "religious_site", _("religious site")


PLACE_KIND_PLURALS = {
    PlaceKind.AGENCY: _("agencies"),
    PlaceKind.ENTERPRISE: _("enterprises"),
    PlaceKind.STATE_OWNED_ENTERPRISE: _("state-owned enterprises"),
    PlaceKind.SCHOOL: _("schools"),
    PlaceKind.ACCOMMODATION: _("accommodation establishments"),
    PlaceKind.RELIGIOUS_SITE: _("religious sites"),
}


class Place(BaseModel):
    """An agency, enterprise, school, accommodation or religious site in a commune."""

    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT,
        related_name="places",
        limit_choices_to={"structure": Structure.CURRENT, "level": Level.COMMUNE},
    )
    village = models.ForeignKey(Village, verbose_name=_("village"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="places")
    kind = models.CharField(_("kind"), max_length=32, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=LONGITUDE_VALIDATORS)
    name_key = models.CharField(max_length=500, db_index=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_reason = models.CharField(_("archive reason"), max_length=255, blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["commune_id", "kind", "name_key", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "kind", "name_key"],
                                    condition=Q(archived_at__isnull=True),
                                    name="place_name_unique_in_commune"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"name_key"}
        super().save(*args, **kwargs)
