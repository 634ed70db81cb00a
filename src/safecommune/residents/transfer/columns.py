"""The import/export column set, its Vietnamese and English header names, and the reading of
one row's values. Every problem is a ``RowError`` naming the field and the rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.errors import ValidationFailed
from safecommune.core.text import fold
from safecommune.residents.cccd import validate_cccd
from safecommune.residents.models import Ethnicity, Relation, Sex
from safecommune.territory.models import phone_validator

# In the order an export writes them.
COLUMNS = ("household_key", "address", "village", "full_name", "birth_date", "sex", "ethnicity",
           "citizen_id", "passport_number", "nationality", "phone", "relation")
REQUIRED = ("household_key", "full_name", "birth_date", "sex", "relation")

# Vietnamese header names (folded) beside the English column names.
VIETNAMESE_HEADERS = {
    "household_key": ("ma ho", "so ho", "ma ho gia dinh"),
    "address": ("dia chi", "so nha duong"),
    "village": ("thon", "thon lang", "lang", "to dan pho", "thon to"),
    "full_name": ("ho va ten", "ho ten"),
    "birth_date": ("ngay sinh", "ngay thang nam sinh"),
    "sex": ("gioi tinh",),
    "ethnicity": ("dan toc",),
    "citizen_id": ("so cccd", "cccd", "can cuoc cong dan", "so dinh danh", "so dinh danh ca nhan"),
    "passport_number": ("so ho chieu", "ho chieu"),
    "nationality": ("quoc tich",),
    "phone": ("so dien thoai", "dien thoai", "sdt"),
    "relation": ("quan he voi chu ho", "quan he"),
}
VIETNAMESE_LABELS = {
    "household_key": "Mã hộ", "address": "Địa chỉ", "village": "Thôn", "full_name": "Họ và tên",
    "birth_date": "Ngày sinh", "sex": "Giới tính", "ethnicity": "Dân tộc", "citizen_id": "Số CCCD",
    "passport_number": "Số hộ chiếu", "nationality": "Quốc tịch", "phone": "Số điện thoại",
    "relation": "Quan hệ với chủ hộ",
}
_HEADER_NAMES = {alias: column for column, aliases in VIETNAMESE_HEADERS.items()
                 for alias in aliases} | {column.replace("_", " "): column for column in COLUMNS}

_SEX_VALUES = {"male": Sex.MALE, "m": Sex.MALE, "nam": Sex.MALE,
               "female": Sex.FEMALE, "f": Sex.FEMALE, "nu": Sex.FEMALE}
_RELATION_VALUES = {
    "head": Relation.HEAD, "chu ho": Relation.HEAD, "spouse": Relation.SPOUSE,
    "vo": Relation.SPOUSE, "chong": Relation.SPOUSE, "child": Relation.CHILD,
    "con": Relation.CHILD, "parent": Relation.PARENT, "bo": Relation.PARENT,
    "me": Relation.PARENT, "cha": Relation.PARENT, "grandchild": Relation.GRANDCHILD,
    "chau": Relation.GRANDCHILD, "sibling": Relation.SIBLING, "anh": Relation.SIBLING,
    "chi": Relation.SIBLING, "em": Relation.SIBLING, "other": Relation.OTHER,
    "khac": Relation.OTHER,
}
_ETHNICITY_VALUES = ({fold(value): value for value in Ethnicity.values}
                     | {fold(value.replace("_", " ")): value for value in Ethnicity.values}
                     | {"jrai": Ethnicity.GIA_RAI, "ede": Ethnicity.E_DE,
                        "bana": Ethnicity.BA_NA, "mong": Ethnicity.HMONG,
                        "khac": Ethnicity.OTHER})
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MAX_LENGTHS = {"household_key": 64, "address": 255, "village": 128, "full_name": 150,
               "passport_number": 20, "phone": 20}


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    rule: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "rule": self.rule,
                "message": self.message}


@dataclass(frozen=True)
class PersonRow:
    """One valid row: the person, their household key and its address and village."""

    line: int
    household_key: str
    address: str
    village: str
    full_name: str
    birth_date: date
    sex: str
    ethnicity: str
    citizen_id: str
    passport_number: str
    nationality: str
    phone: str
    relation: str


def header_columns(cells: list, *, line: int = 1) -> tuple[list[str | None], list[RowError]]:
    """The column of each header cell (None for an empty one), or errors: an unknown header,
    a column given twice, a required column missing."""
    columns: list[str | None] = []
    errors = []
    for cell in cells:
        text = fold(str(cell or "")).replace("_", " ")
        text = " ".join(text.replace("/", " ").split())
        if not text:
            columns.append(None)
            continue
        column = _HEADER_NAMES.get(text)
        if column is None:
            errors.append(RowError(line, str(cell), "unknown_column", _(
                "“%(name)s” is not a column of the import; see the list of columns on the "
                "import page.") % {"name": str(cell).strip()}))
        elif column in columns:
            errors.append(RowError(line, column, "duplicate_column", _(
                "The column “%(name)s” is given twice.") % {"name": str(cell).strip()}))
        columns.append(column)
    for column in REQUIRED:
        if column not in columns:
            errors.append(RowError(line, column, "missing_column", _(
                "The required column “%(name)s” is missing.") % {"name": column}))
    return columns, errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _birth_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        if match := _YMD.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.match(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    raise ValueError(text)


def _citizen_id(value) -> str:
    # A spreadsheet stores an ID typed as a number without its leading zero.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{int(value):012d}"
    return _text(value)


def parse_row(line: int, columns: list[str | None], cells, *,
              today: date | None = None) -> tuple[PersonRow | None, list[RowError]]:
    """The row as a PersonRow, or every field error it has (one per field)."""
    raw = {}
    for column, cell in zip(columns, cells, strict=False):
        if column is not None:
            raw[column] = cell
    values = {column: _text(raw.get(column)) for column in COLUMNS}
    errors: list[RowError] = []

    def fail(field: str, rule: str, message: str) -> None:
        errors.append(RowError(line, field, rule, message))

    for column in REQUIRED:
        if not values[column] and raw.get(column) in (None, ""):
            fail(column, "required", _("“%(name)s” is required.") % {"name": column})
    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            fail(column, "max_length", _("“%(name)s” is longer than %(max)d characters.")
                 % {"name": column, "max": limit})
    birth_date = None
    if raw.get("birth_date") not in (None, ""):
        try:
            birth_date = _birth_date(raw["birth_date"])
        except ValueError:
            fail("birth_date", "date", _("The date of birth must be written YYYY-MM-DD or "
                                         "DD/MM/YYYY."))
        else:
            if birth_date > (today or timezone.localdate()):
                fail("birth_date", "future", _("The date of birth is in the future."))
                birth_date = None
    sex = _SEX_VALUES.get(fold(values["sex"])) if values["sex"] else None
    if values["sex"] and sex is None:
        fail("sex", "choice", _("The sex must be male or female (nam or nữ)."))
    relation = _RELATION_VALUES.get(fold(values["relation"])) if values["relation"] else None
    if values["relation"] and relation is None:
        fail("relation", "choice", _("Unknown relation to the head: “%(value)s”.")
             % {"value": values["relation"]})
    ethnicity = ""
    if values["ethnicity"]:
        ethnicity = _ETHNICITY_VALUES.get(fold(values["ethnicity"]), "")
        if not ethnicity:
            fail("ethnicity", "choice", _("Unknown ethnic group: “%(value)s”.")
                 % {"value": values["ethnicity"]})
    nationality = (values["nationality"] or "VN").upper()
    if len(nationality) != 2 or not nationality.isascii() or not nationality.isalpha():
        fail("nationality", "iso3166", _("Give the nationality as a two-letter country code, "
                                         "such as VN."))
    citizen_id = _citizen_id(raw.get("citizen_id")) if values["citizen_id"] else ""
    if citizen_id:
        if nationality != "VN":
            fail("citizen_id", "nationality", _("Only Vietnamese citizens have a citizen ID; "
                                                "record a foreigner's passport instead."))
        else:
            try:
                citizen_id = validate_cccd(citizen_id, birth_date=birth_date, sex=sex,
                                           today=today)
            except ValidationFailed as exc:
                fail("citizen_id", exc.rule, str(exc.message))
    phone = values["phone"]
    if phone and not phone.startswith(("0", "+")) and phone.isdigit():
        phone = "0" + phone  # a spreadsheet drops the leading zero of a number
    if phone:
        try:
            phone_validator(phone)
        except ValidationError as exc:
            fail("phone", "phone", " ".join(exc.messages))
    if errors:
        return None, errors
    return PersonRow(line=line, household_key=values["household_key"],
                     address=values["address"], village=values["village"],
                     full_name=values["full_name"], birth_date=birth_date, sex=sex,
                     ethnicity=ethnicity, citizen_id=citizen_id,
                     passport_number=values["passport_number"], nationality=nationality,
                     phone=phone, relation=relation), []
