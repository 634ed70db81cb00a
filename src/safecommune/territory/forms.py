"""Forms for commune staff. They validate shape; the services validate the rules and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecommune.territory.models import (
    LATITUDE_VALIDATORS,
    LONGITUDE_VALIDATORS,
    PlaceKind,
    VillageKind,
    phone_validator,
)


class AccessibleForm(forms.Form):
    """Marks fields with errors ``aria-invalid`` so screen readers and the styles know."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class CommuneSettingsForm(AccessibleForm):
    duty_hotline = forms.CharField(label=_("Duty hotline"), max_length=20, required=False,
                                   validators=[phone_validator])
    chief_phone = forms.CharField(label=_("Chief's number"), max_length=20, required=False,
                                  validators=[phone_validator])
    is_remote = forms.BooleanField(
        label=_("Remote commune"), required=False,
        help_text=_("Remote communes get 48 hours where the rule says 24, and 24 where it says 12."))
    public_pages_open = forms.BooleanField(label=_("Public pages open"), required=False)
    population = forms.IntegerField(label=_("Population"), min_value=0, required=False)


class PointFields(AccessibleForm):
    latitude = forms.FloatField(label=_("Latitude"), required=False,
                                validators=LATITUDE_VALIDATORS)
    longitude = forms.FloatField(label=_("Longitude"), required=False,
                                 validators=LONGITUDE_VALIDATORS)


class VillageForm(PointFields):
    name = forms.CharField(label=_("Name"), max_length=128)
    kind = forms.ChoiceField(label=_("Kind"), choices=VillageKind.choices)
    former_unit = forms.ChoiceField(label=_("Former commune"), required=False)
    households = forms.IntegerField(label=_("Number of households"), min_value=0, required=False)
    population = forms.IntegerField(label=_("Population"), min_value=0, required=False)
    field_order = ["name", "kind", "former_unit", "households", "population", "latitude",
                   "longitude"]

    def __init__(self, *args, predecessors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["former_unit"].choices = [("", _("— none —"))] + [
            (unit.code, f"{unit.name} ({unit.parent.name})" if unit.parent else unit.name)
            for unit in predecessors]


class PlaceForm(PointFields):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlaceKind.choices)
    village = forms.ChoiceField(label=_("Village"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    field_order = ["name", "kind", "village", "address", "latitude", "longitude"]

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("— none —"))] + [
            (str(v.pk), v.name) for v in villages]
