"""Writes on accounts."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from safecommune.core.errors import DomainError

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def language_validate(*, code: str) -> str:
    if code not in LANGUAGE_CODES:
        raise DomainError(
            _("Unknown language code “%(code)s”; choose one of: %(codes)s.")
            % {"code": code, "codes": ", ".join(sorted(LANGUAGE_CODES))},
            field="language", rule="choice",
        )
    return code


def user_set_language(*, user, code: str) -> None:
    language_validate(code=code)
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])
