"""Households and persons of a commune (issue 4, slice 1; docs/decisions/0010-residents.md).

Every row carries the unit it was recorded under, its resolved 2025 commune (the scoping key)
and the village where known. Membership history is kept: moving out ends a membership
(``left_on``), it is never deleted or overwritten.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel
from safecommune.core.text import fold
from safecommune.residents.models.terms import name_terms
from safecommune.territory.models import phone_validator

__all__ = ["Sex", "Ethnicity", "Relation", "Person", "Household", "HouseholdMember", "phone_digits"]

_NOT_DIGITS = re.compile(r"\D")


def phone_digits(phone: str | None) -> str:
    return _NOT_DIGITS.sub("", phone or "")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Ethnicity(models.TextChoices):
    KINH = "kinh", _("Kinh")
    TAY = "tay", _("Tày")
    THAI = "thai", _("Thái")
    MUONG = "muong", _("Mường")
    KHMER = "khmer", _("Khmer")
    HOA = "hoa", _("Hoa")
    NUNG = "nung", _("Nùng")
    HMONG = "hmong", _("Hmong")
    DAO = "dao", _("Dao")
    GIA_RAI = "gia_rai", _("Gia Rai (Jrai)")
    E_DE = "e_de", _("Ê Đê")
    BA_NA = "ba_na", _("Ba Na")
    SAN_CHI = "san_chi", _("Sán Chỉ")
    OTHER = "other", _("another ethnic group")


class Relation(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("sibling")
    OTHER = "other", _("other relation")


class Person(BaseModel):
    recorded_unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"),
                                      on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="persons")
    village = models.ForeignKey("territory.Village", verbose_name=_("village"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("full name"), max_length=150)
    name_key = models.CharField(max_length=300, db_index=True, editable=False)
    # Inverted-index terms of the name for person search on PostgreSQL (models/terms.py).
    name_terms = models.TextField(editable=False, blank=True, default="")
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, choices=Ethnicity.choices,
                                 blank=True)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, blank=True)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="VN",
                                   help_text=_("Two-letter country code (ISO 3166), e.g. VN."))
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    phone_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("own account"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="person")
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["citizen_id"], condition=~Q(citizen_id=""),
                                    name="person_citizen_id_unique"),
            models.CheckConstraint(condition=Q(citizen_id="") | Q(nationality="VN"),
                                   name="person_citizen_id_only_vietnamese"),
        ]
        indexes = [models.Index(fields=["commune", "name_key"], name="person_commune_name_idx")]

    def __str__(self) -> str:
        return self.full_name

    def set_search_keys(self) -> None:
        """The derived search columns; ``save()`` calls this, bulk writers call it themselves."""
        self.name_key = fold(self.full_name)
        self.name_terms = name_terms(self.name_key, self.commune_id)
        self.phone_key = phone_digits(self.phone)

    def save(self, *args, **kwargs):
        self.set_search_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            if fields & {"full_name", "commune", "commune_id"}:
                fields |= {"name_key", "name_terms"}
            if "phone" in fields:
                fields.add("phone_key")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)


class Household(BaseModel):
    recorded_unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"),
                                      on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="households")
    village = models.ForeignKey("territory.Village", verbose_name=_("village"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=255,
                               help_text=_("House number and street, or the house's place in "
                                           "the village."))
    address_key = models.CharField(max_length=500, db_index=True, editable=False)
    head = models.ForeignKey(Person, verbose_name=_("head of household"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["address_key", "id"]
        indexes = [
            models.Index(fields=["commune", "address_key"], name="household_commune_addr_idx"),
            # The "households without a head" work list: few rows, counted per commune.
            models.Index(fields=["commune"], condition=Q(head__isnull=True),
                         name="household_no_head_idx"),
        ]

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        self.address_key = fold(self.address)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "address" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"address_key"}
        super().save(*args, **kwargs)


class HouseholdMember(BaseModel):
    """A person's membership of a household from ``joined_on`` until ``left_on``."""

    household = models.ForeignKey(Household, verbose_name=_("household"),
                                  on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="memberships")
    relation = models.CharField(_("relation to the head"), max_length=12,
                                choices=Relation.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(left_on__isnull=True),
                                    name="member_one_active_household"),
            models.UniqueConstraint(fields=["household"],
                                    condition=Q(left_on__isnull=True, relation="head"),
                                    name="member_one_active_head"),
            models.CheckConstraint(condition=Q(left_on__isnull=True)
                                   | Q(left_on__gte=F("joined_on")),
                                   name="member_leaves_after_joining"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_relation_display()}"
