"""Structure of the 12-digit citizen ID (CCCD); DOMAIN.md "Citizen ID".

Digits 1–3: the province of birth registration, one of the 63 pre-2025 codes; digit 4: century
and sex; digits 5–6: the last two digits of the birth year; digits 7–12: random. There is no
checksum, so nothing else can be checked.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.errors import ValidationFailed

FIELD = "citizen_id"

# Statistics-office codes of the 63 provinces before July 2025; a CCCD prefixes them with 0.
# tests/residents/test_cccd.py checks them against the legacy provinces of the territory data.
LEGACY_PROVINCE_CODES = (
    "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22", "24",
    "25", "26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42", "44", "45",
    "46", "48", "49", "51", "52", "54", "56", "58", "60", "62", "64", "66", "67", "68", "70",
    "72", "74", "75", "77", "79", "80", "82", "83", "84", "86", "87", "89", "91", "92", "93",
    "94", "95", "96",
)
PROVINCE_PREFIXES = frozenset("0" + code for code in LEGACY_PROVINCE_CODES)

MALE, FEMALE = "male", "female"
_SEPARATORS = re.compile(r"[\s.\-]")


def _fail(rule: str, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": FIELD, "rule": rule, "message": message}])


def century_and_sex(digit: int) -> tuple[int, str]:
    """Digit 4: 0/1 → 1900s male/female, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s, 8/9 → 2300s."""
    return 1900 + (digit // 2) * 100, MALE if digit % 2 == 0 else FEMALE


def birth_year_of(value: str) -> int:
    century, _sex = century_and_sex(int(value[3]))
    return century + int(value[4:6])


def validate_cccd(value: str, *, birth_date: date | None = None, sex: str | None = None,
                  today: date | None = None) -> str:
    """The CCCD as 12 digits (spaces, dots and hyphens removed), or ValidationFailed naming
    ``citizen_id`` and one rule: digits, province, century, future, birth_year, sex."""
    text = _SEPARATORS.sub("", value or "")
    if not (len(text) == 12 and text.isascii() and text.isdigit()):
        given = sum(1 for ch in text if ch.isdigit())
        raise _fail("digits", _("A citizen ID is exactly 12 digits and nothing else "
                                "(digits given: %(count)d).") % {"count": given})
    if text[:3] not in PROVINCE_PREFIXES:
        raise _fail("province", _("“%(code)s” is not a province code; a citizen ID starts with "
                                  "the code of one of the 63 provinces before 2025, such as "
                                  "001 for Hà Nội.") % {"code": text[:3]})
    today = today or timezone.localdate()
    century, coded_sex = century_and_sex(int(text[3]))
    if century > today.year:
        raise _fail("century", _("The fourth digit, %(digit)s, stands for a birth in the "
                                 "%(century)ss, which has not begun.")
                    % {"digit": text[3], "century": century})
    year = century + int(text[4:6])
    if year > today.year:
        raise _fail("future", _("The citizen ID gives the birth year %(year)d, which is in "
                                "the future.") % {"year": year})
    if birth_date is not None and birth_date.year != year:
        raise _fail("birth_year", _("The citizen ID gives the birth year %(year)d, but the date "
                                    "of birth is in %(birth_year)d.")
                    % {"year": year, "birth_year": birth_date.year})
    if sex and sex != coded_sex:
        raise _fail("sex", _("The fourth digit of the citizen ID does not match the sex "
                             "recorded for the person."))
    return text
