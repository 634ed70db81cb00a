"""The import upload form: the commune, the file and whether only to check it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecommune.territory.forms import AccessibleForm


class ImportForm(AccessibleForm):
    commune = forms.ChoiceField(label=_("Commune"))
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("UTF-8 CSV or an Excel workbook; the first row names "
                                       "the columns."))
    dry_run = forms.BooleanField(label=_("Only check the file, write nothing"), required=False)

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.code, c.name) for c in communes]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"
