"""Forms of public reporting. They check shape only; the services check the rules (category
open to residents, point inside the commune, time not in the future, photos) and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecommune.reports.forms import DATETIME_FORMATS, NONE
from safecommune.reports.models import Category
from safecommune.reports.public.services import MAX_TEXT
from safecommune.territory.forms import AccessibleForm
from safecommune.territory.models import (
    LATITUDE_VALIDATORS,
    LONGITUDE_VALIDATORS,
    phone_validator,
)

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of files under one name; each is checked by ``image_sanitize`` in the
    service, so the message names the photo and the rule it broke."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": PHOTO_TYPES}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [upload for upload in files if upload]


def public_category_choices(categories: list[Category]) -> list:
    """Groups as ``<optgroup>``s holding the group itself and its categories; a category whose
    group is not open to residents stands on its own."""
    codes = {category.pk for category in categories}
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        parent = category.parent_id if category.parent_id in codes else None
        children.setdefault(parent, []).append(category)
    choices: list = [NONE]
    for top in children.get(None, []):
        inner = children.get(top.pk, [])
        if inner:
            choices.append((top.name, [(top.code, top.name)]
                            + [(child.code, child.name) for child in inner]))
        else:
            choices.append((top.code, top.name))
    return choices


class PublicReportForm(AccessibleForm):
    category = forms.ChoiceField(label=_("What is it about?"))
    description = forms.CharField(
        label=_("What happened"), max_length=MAX_TEXT,
        help_text=_("Who, what, where and when, as far as you know. Do not write your own "
                    "name here if you wish to stay anonymous."),
        widget=forms.Textarea(attrs={"rows": 6}))
    occurred_at = forms.DateTimeField(
        label=_("When it happened (optional)"), required=False, input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    village = forms.ChoiceField(label=_("Village or residential group"), required=False)
    place = forms.CharField(label=_("Place (street, landmark)"), max_length=255,
                            required=False)
    latitude = forms.FloatField(
        label=_("Latitude (optional)"), required=False, validators=LATITUDE_VALIDATORS,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.FloatField(
        label=_("Longitude (optional)"), required=False, validators=LONGITUDE_VALIDATORS,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    photos = PhotosField(label=_("Photos (optional)"))
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=150,
                                    required=False)
    reporter_phone = forms.CharField(label=_("Your phone (optional)"), max_length=20,
                                     required=False, validators=[phone_validator])
    is_anonymous = forms.BooleanField(label=_("I wish to stay anonymous (no name, no phone)"),
                                      required=False)

    def __init__(self, *args, categories=(), villages=(), photo_help="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = public_category_choices(list(categories))
        self.fields["village"].choices = [NONE] + [(str(v.pk), v.name) for v in villages]
        self.fields["photos"].help_text = photo_help

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not (
                self.has_error("latitude") or self.has_error("longitude")):
            missing = "latitude" if latitude is None else "longitude"
            self.add_error(missing, _("Give both the latitude and the longitude, or neither."))
        return data

    def point(self) -> tuple[float, float] | None:
        latitude = self.cleaned_data.get("latitude")
        longitude = self.cleaned_data.get("longitude")
        if latitude is None or longitude is None:
            return None
        return (latitude, longitude)


class AdditionForm(AccessibleForm):
    text = forms.CharField(label=_("Add information"), max_length=MAX_TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    photos = PhotosField(label=_("Add photos (optional)"))

    def __init__(self, *args, photo_help="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = photo_help


class LinkForm(AccessibleForm):
    incident = forms.IntegerField(label=_("Incident number"), min_value=1)


class OpenIncidentForm(AccessibleForm):
    summary = forms.CharField(label=_("Summary (optional)"), max_length=200, required=False)
