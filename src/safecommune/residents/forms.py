"""Forms for commune staff. They validate shape; the services validate the rules and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecommune.residents.models import Ethnicity, Relation, Sex
from safecommune.territory.forms import AccessibleForm
from safecommune.territory.models import phone_validator

NONE = ("", _("— none —"))
IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class _CommuneForm(AccessibleForm):
    commune = forms.ChoiceField(label=_("Commune"))
    village = forms.ChoiceField(label=_("Village (optional)"), required=False)

    def __init__(self, *args, communes=(), villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.code, c.name) for c in communes]
        self.fields["village"].choices = [NONE] + [(str(v.pk), v.name) for v in villages]


class PersonForm(_CommuneForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    birth_date = forms.DateField(label=_("Date of birth"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False,
                                  choices=[NONE, *Ethnicity.choices])
    citizen_id = forms.CharField(label=_("Citizen ID (CCCD)"), max_length=20, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                               "autocomplete": "off"}))
    passport_number = forms.CharField(label=_("Passport number (foreigners)"), max_length=20,
                                      required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=2, initial="VN",
                                  help_text=_("Two-letter country code (ISO 3166), e.g. VN."))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            validators=[phone_validator])
    photo = forms.FileField(
        label=_("Photo (optional)"), required=False,
        help_text=_("A JPEG, PNG or WebP image. Location, camera and other hidden data are "
                    "removed before it is kept."),
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}))


class PersonEditForm(PersonForm):
    """The person form without the commune (a person's commune does not change here)."""

    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)

    def __init__(self, *args, villages=(), has_photo=False, **kwargs):
        super().__init__(*args, villages=villages, **kwargs)
        del self.fields["commune"]
        if not has_photo:
            del self.fields["remove_photo"]


class HouseholdForm(_CommuneForm):
    address = forms.CharField(label=_("Address"), max_length=255,
                              help_text=_("House number and street, or the house's place in "
                                          "the village."))


class MemberForm(AccessibleForm):
    person = forms.ChoiceField(label=_("Person"))
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Relation.choices)
    joined_on = forms.DateField(label=_("Joined on (optional)"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            (str(p.pk), f"{p.full_name} ({p.birth_date:%Y})") for p in candidates]
