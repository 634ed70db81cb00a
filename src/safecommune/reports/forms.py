"""Forms for the commune staff's pages. They validate shape; the services validate the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecommune.reports.models import (
    CallKind,
    Category,
    Channel,
    Involvement,
    Measure,
    OutcomeKind,
)
from safecommune.territory.forms import AccessibleForm
from safecommune.territory.models import (
    LATITUDE_VALIDATORS,
    LONGITUDE_VALIDATORS,
    phone_validator,
)

NONE = ("", _("— none —"))
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
TIP_CHOICES = [("", _("as its category says")), ("yes", _("yes, a crime tip")),
               ("no", _("no"))]


def datetime_field(label, required=True):
    return forms.DateTimeField(label=label, required=required, input_formats=DATETIME_FORMATS,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                          format="%Y-%m-%dT%H:%M"))


def category_choices(categories: list[Category]) -> list[tuple[str, str]]:
    """Groups in order, each followed by its own categories, indented."""
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices = []
    for group in children.get(None, []):
        choices.append((group.code, group.name))
        choices += [(child.code, "\u00a0\u00a0\u00a0" + child.name)
                    for child in children.get(group.pk, [])]
    return choices


def user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class _CommuneForm(AccessibleForm):
    commune = forms.ChoiceField(label=_("Commune"))
    village = forms.ChoiceField(label=_("Village (optional)"), required=False)

    def __init__(self, *args, communes=(), villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.code, c.name) for c in communes]
        self.fields["village"].choices = [NONE] + [(str(v.pk), v.name) for v in villages]


class IncidentForm(_CommuneForm):
    category = forms.ChoiceField(label=_("Category"))
    summary = forms.CharField(label=_("Summary"), max_length=200)
    description = forms.CharField(label=_("What happened (optional)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = datetime_field(_("When it happened"))
    received_at = datetime_field(_("Received at (if not now)"), required=False)
    channel = forms.ChoiceField(label=_("How it reached the police"), choices=Channel.choices,
                                initial=Channel.WALK_IN)
    place = forms.CharField(label=_("Place (optional)"), max_length=255, required=False)
    latitude = forms.FloatField(label=_("Latitude (optional)"), required=False,
                                validators=LATITUDE_VALIDATORS)
    longitude = forms.FloatField(label=_("Longitude (optional)"), required=False,
                                 validators=LONGITUDE_VALIDATORS)
    is_tip = forms.ChoiceField(label=_("Crime tip to forward to the investigating body"),
                               choices=TIP_CHOICES, required=False)
    assignee = forms.ChoiceField(label=_("Assigned officer (optional)"), required=False)
    reporter_name = forms.CharField(label=_("Reporter's name (optional)"), max_length=150,
                                    required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone (optional)"), max_length=20,
                                     required=False, validators=[phone_validator])
    is_anonymous = forms.BooleanField(label=_("The reporter wishes to stay anonymous"),
                                      required=False)

    def __init__(self, *args, categories=(), officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(list(categories))
        self.fields["assignee"].choices = [NONE] + [(str(u.pk), user_label(u))
                                                    for u in officers]

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude" if data.get("longitude") is None else "latitude",
                           _("Give both the latitude and the longitude, or neither."))
        return data

    def point(self):
        data = self.cleaned_data
        if data.get("latitude") is None:
            return None
        return (data["latitude"], data["longitude"])

    def is_tip_value(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("is_tip") or "")


class TransitionForm(AccessibleForm):
    note = forms.CharField(label=_("Note (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    forwarded_to = forms.CharField(label=_("Investigating body it is forwarded to"),
                                   max_length=255, required=False)


class AssignForm(AccessibleForm):
    assignee = forms.ChoiceField(label=_("Assigned officer"), required=False)

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [NONE] + [(str(u.pk), user_label(u))
                                                    for u in officers]


class NoteForm(AccessibleForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Kind of outcome"), choices=OutcomeKind.choices)
    person = forms.IntegerField(label=_("Resident's record number (optional)"), required=False,
                                min_value=1)
    person_name = forms.CharField(label=_("Person's name (optional)"), max_length=150,
                                  required=False)
    involvement = forms.ChoiceField(label=_("Involvement (optional)"), required=False,
                                    choices=[NONE, *Involvement.choices])
    count = forms.IntegerField(label=_("Number of persons"), min_value=1, initial=1)
    amount_vnd = forms.IntegerField(label=_("Fine (VND)"), min_value=1, required=False)
    measure = forms.ChoiceField(label=_("Measure (education or rehabilitation)"),
                                required=False, choices=[NONE, *Measure.choices])
    item_kind = forms.CharField(label=_("Items seized"), max_length=150, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=14,
                                  decimal_places=3)
    quantity_unit = forms.CharField(label=_("Unit (e.g. cylinders, kg)"), max_length=30,
                                    required=False)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class HotlineCallForm(_CommuneForm):
    kind = forms.ChoiceField(label=_("Kind of call"), choices=CallKind.choices,
                             widget=forms.RadioSelect, initial=CallKind.ADMIN_QUESTION)
    summary = forms.CharField(label=_("What the caller said"), max_length=500)
    answer = forms.CharField(label=_("What was answered (optional)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    at = datetime_field(_("Time of the call (if not now)"), required=False)
    caller_name = forms.CharField(label=_("Caller's name (optional)"), max_length=150,
                                  required=False)
    caller_phone = forms.CharField(label=_("Caller's phone (optional)"), max_length=20,
                                   required=False, validators=[phone_validator])
    is_anonymous = forms.BooleanField(label=_("The caller wishes to stay anonymous"),
                                      required=False)
    field_order = ["commune", "kind", "summary", "answer", "at", "caller_name", "caller_phone",
                   "is_anonymous", "village"]


class CallToIncidentForm(AccessibleForm):
    category = forms.ChoiceField(label=_("Category"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(list(categories))
