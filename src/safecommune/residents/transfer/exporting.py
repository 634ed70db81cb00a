"""Export of a residents list with its filters (search text, commune, village) as CSV or XLSX,
in the import's column set, so an export can be imported elsewhere.

Rows come from ``person_visible_to`` (the one scoping read). The export is audited as one
``residents.export`` entry with its row count and the digest of the exported person ids,
written before the first byte is sent.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery

from safecommune.core.audit import audit_append_bulk
from safecommune.residents.models import HouseholdMember, Person
from safecommune.residents.selectors import person_search, person_visible_to
from safecommune.residents.transfer.columns import COLUMNS
from safecommune.territory.models import AdministrativeUnit, Village

CHUNK = 2000
# A search-filtered export holds at most this many persons (a search is for finding people;
# a whole commune is exported without a search text).
SEARCH_EXPORT_LIMIT = 100_000


def export_queryset(*, user, commune: AdministrativeUnit | None = None,
                    village: Village | None = None, query: str = "",
                    system: bool = False) -> QuerySet[Person]:
    """The persons of the list as filtered, with their current household and relation.
    ``system``: every person (the command line, which has the system's rights)."""
    persons = (Person.objects.select_related("commune", "village") if system
               else person_visible_to(user=user))
    if query.strip():
        found = person_search(user=user, query=query, limit=SEARCH_EXPORT_LIMIT)
        persons = persons.filter(pk__in=[person.pk for person in found])
    if commune is not None:
        persons = persons.filter(commune=commune)
    if village is not None:
        persons = persons.filter(village=village)
    current = HouseholdMember.objects.filter(person=OuterRef("pk"), left_on__isnull=True)
    return persons.annotate(
        household_id=Subquery(current.values("household_id")[:1]),
        household_address=Subquery(current.values("household__address")[:1]),
        relation=Subquery(current.values("relation")[:1]),
    ).order_by("commune_id", "household_id", "name_key", "id")


@transaction.atomic
def export_audit(*, actor, persons: QuerySet[Person], commune: AdministrativeUnit | None,
                 fmt: str, filters: list[str]) -> int:
    """One ``residents.export`` entry (the commune's chain, or the national one for a list
    across communes); the row count."""
    entry = audit_append_bulk(
        action="residents.export", actor=actor, commune=commune,
        rows=persons.values_list("pk").order_by("pk").iterator(chunk_size=CHUNK),
        details={"format": fmt, "filters": sorted(filters)})
    return entry.row_count


def _values(person) -> list:
    return [f"H{person.household_id}" if person.household_id else "",
            person.household_address or "", person.village.name if person.village else "",
            person.full_name, person.birth_date, person.sex, person.ethnicity,
            person.citizen_id, person.passport_number, person.nationality, person.phone,
            person.relation or ""]


def _rows(persons: QuerySet[Person]) -> Iterator[list]:
    for person in persons.iterator(chunk_size=CHUNK):
        yield _values(person)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(persons: QuerySet[Person]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark (spreadsheets then read the diacritics right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for values in _rows(persons):
        values[4] = values[4].isoformat()
        yield writer.writerow(values)


def xlsx_file(persons: QuerySet[Person]):
    """A temporary file holding the workbook, written row by row in write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("residents")
    sheet.append(list(COLUMNS))
    for values in _rows(persons):
        date_cell = WriteOnlyCell(sheet, value=values[4])
        date_cell.number_format = "yyyy-mm-dd"
        values[4] = date_cell
        sheet.append(values)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle
