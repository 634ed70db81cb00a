"""Forms for notifications of stay. They validate shape; the services validate the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecommune.residents.models import HostKind, Sex
from safecommune.territory.forms import AccessibleForm
from safecommune.territory.models import phone_validator

NONE = ("", _("— none —"))
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _datetime_field(label, required=True):
    return forms.DateTimeField(label=label, required=required, input_formats=DATETIME_FORMATS,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                          format="%Y-%m-%dT%H:%M"))


class _StayForm(AccessibleForm):
    host_kind = forms.ChoiceField(label=_("Host"), choices=HostKind.choices,
                                  widget=forms.RadioSelect)
    accommodation = forms.ChoiceField(label=_("Accommodation establishment"), required=False)
    host_name = forms.CharField(label=_("Host's name"), max_length=150, required=False)
    host_address = forms.CharField(label=_("Host's address"), max_length=255, required=False,
                                   help_text=_("Where the guest stays, when the host is a "
                                               "household."))
    host_phone = forms.CharField(label=_("Host's phone"), max_length=20, required=False,
                                 validators=[phone_validator])
    is_close_relative = forms.BooleanField(
        label=_("The guest is a close relative of the household"), required=False,
        help_text=_("Grandparents, parents, spouse, children, grandchildren and siblings are "
                    "notified once only."))
    guest_full_name = forms.CharField(label=_("Guest's full name"), max_length=150)
    guest_birth_date = forms.DateField(label=_("Guest's date of birth"),
                                       widget=forms.DateInput(attrs={"type": "date"}))
    guest_sex = forms.ChoiceField(label=_("Guest's sex"), required=False,
                                  choices=[NONE, *Sex.choices])
    guest_nationality = forms.CharField(label=_("Guest's nationality"), max_length=2,
                                        initial="VN",
                                        help_text=_("Two-letter country code (ISO 3166), e.g. "
                                                    "VN."))
    citizen_id = forms.CharField(label=_("Guest's citizen ID (Vietnamese guests)"),
                                 max_length=20, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                               "autocomplete": "off"}))
    guest_passport_number = forms.CharField(label=_("Guest's passport number (foreigners)"),
                                            max_length=20, required=False)
    arrival_at = _datetime_field(_("Arrival (date and time)"))
    departure_on = forms.DateField(label=_("Expected departure"),
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, accommodations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accommodation"].choices = [NONE] + [(str(p.pk), p.name)
                                                         for p in accommodations]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["guest_citizen_id"] = data.pop("citizen_id")
        data.pop("accommodation")
        return data


class StayForm(_StayForm):
    commune = forms.ChoiceField(label=_("Commune"))
    host_household = forms.IntegerField(label=_("Host household number (optional)"),
                                        required=False, min_value=1)
    notified_at = _datetime_field(_("Notified at (if not now)"), required=False)
    field_order = ["commune"]

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.code, c.name) for c in communes]


class PublicStayForm(_StayForm):
    pass


class StayActionForm(AccessibleForm):
    departed_at = _datetime_field(_("Departure (date and time; empty for now)"),
                                  required=False)
