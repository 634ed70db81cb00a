from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecommune.outreach.models import Topic
from safecommune.territory.forms import AccessibleForm
from safecommune.territory.models import phone_validator


class FeedbackForm(AccessibleForm):
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    village = forms.ChoiceField(label=_("Village (optional)"), required=False)
    text = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(
        attrs={"rows": 6}))
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=100,
                                   required=False)
    contact_phone = forms.CharField(label=_("Your phone (optional)"), max_length=20,
                                    required=False, validators=[phone_validator])

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("— none —"))] + [
            (str(v.pk), v.name) for v in villages]


class ReceiptForm(AccessibleForm):
    code = forms.CharField(label=_("Receipt code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    secret = forms.CharField(label=_("Secret"), max_length=100,
                             widget=forms.PasswordInput(attrs={"autocomplete": "off"},
                                                        render_value=True))


class FollowUpForm(AccessibleForm):
    text = forms.CharField(label=_("Add to your message"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(AccessibleForm):
    text = forms.CharField(label=_("Answer"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    close = forms.BooleanField(label=_("Close the conversation"), required=False)
