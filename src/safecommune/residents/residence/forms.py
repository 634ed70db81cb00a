"""Residence forms for commune staff: they check shape; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecommune.residents.models import AbsenceKind, EndReason, SupervisionKind
from safecommune.territory.forms import AccessibleForm

NONE = ("", _("— none —"))


def _date(label, required=True):
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}))


class PermanentForm(AccessibleForm):
    address = forms.CharField(label=_("Address"), max_length=255)
    registered_on = _date(_("Registered on (optional, default today)"), required=False)


class TemporaryForm(PermanentForm):
    valid_until = _date(_("Valid until"))


class _RecordForm(AccessibleForm):
    record = forms.ChoiceField(label=_("Residence"))

    def __init__(self, *args, records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [(str(r.pk), str(r)) for r in records]


class RenewForm(_RecordForm):
    valid_until = _date(_("New term valid until"))
    renewed_on = _date(_("Renewed on (optional, default today)"), required=False)


class EndForm(_RecordForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=[
        (EndReason.MOVED_OUT, EndReason.MOVED_OUT.label),
        (EndReason.DEREGISTERED, EndReason.DEREGISTERED.label),
        (EndReason.EXPIRED, EndReason.EXPIRED.label)])
    ended_on = _date(_("Ended on (optional, default today)"), required=False)


class AbsenceForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Kind of person"), choices=AbsenceKind.choices)
    supervision = forms.ChoiceField(label=_("Kind of supervision (supervised persons)"),
                                    required=False, choices=[NONE, *SupervisionKind.choices])
    leaves_on = _date(_("Leaves on"))
    expected_return_on = _date(_("Expected back on"), required=False)
    destination = forms.CharField(label=_("Destination"), max_length=255)
    consent_reference = forms.CharField(
        label=_("Consent of the supervising body (reference)"), max_length=100, required=False,
        help_text=_("Required for a person under supervision."))
    declared_on = _date(_("Declared on (optional, default today)"), required=False)


class ReturnForm(AccessibleForm):
    absence = forms.ChoiceField(label=_("Absence"))
    returned_on = _date(_("Returned on (optional, default today)"), required=False)

    def __init__(self, *args, absences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absence"].choices = [(str(a.pk), str(a.leaves_on)) for a in absences]
