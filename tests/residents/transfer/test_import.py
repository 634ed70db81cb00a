"""Import: every wrong line reported with its number, field and rule; all or nothing; bulk
write with one audit entry; wrong encodings and broken spreadsheets refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from safecommune.core.models import AuditEntry
from safecommune.residents.models import Household, HouseholdMember, Person, Relation
from safecommune.residents.transfer.importing import import_file
from tests.residents.transfer.conftest import HEADER, csv_bytes, person_row

FAMILY = [
    person_row("H1", "Nguyễn Văn An", cccd="064090012345", phone="0905 123 456",
               village="Làng Bang"),
    person_row("H1", "Trần Thị Bình", birth="12/07/1992", sex="female", relation="spouse",
               address=""),
    person_row("H2", "Rơ Mah Hyũ", address="Thôn 3", ethnicity="Jrai", birth="2001-01-01",
               village="làng ia"),
    person_row("H2", "Kpă Nhất", birth="2020-05-05", relation="child", address="Thôn 3",
               ethnicity="gia_rai"),
]


def _counts():
    return (Person.objects.count(), Household.objects.count(), HouseholdMember.objects.count(),
            AuditEntry.objects.filter(action="residents.import").count())


def _import(path, commune, actor, **kwargs):
    return import_file(path=path, fmt=path.suffix[1:], commune=commune, actor=actor, **kwargs)


def test_csv_import_writes_households_with_heads_and_one_audit_entry(write_file, ia_krai,
                                                                   officer, villages):
    outcome = _import(write_file(csv_bytes(FAMILY)), ia_krai, officer)
    assert (outcome["state"], outcome["rows"], outcome["households"]) == ("done", 4, 2)
    an = Person.objects.get(citizen_id="064090012345")
    assert (an.name_key, an.phone_key, an.commune, an.village) == (
        "nguyen van an", "0905123456", ia_krai, villages["Làng Bang"])
    household = Household.objects.get(head=an)
    assert (household.address_key, household.village) == ("12 tran hung dao",
                                                           villages["Làng Bang"])
    assert Person.objects.get(full_name="Trần Thị Bình").birth_date.isoformat() == "1992-07-12"
    spouse = HouseholdMember.objects.get(person__full_name="Trần Thị Bình")
    assert (spouse.household, spouse.relation) == (household, Relation.SPOUSE)
    assert Household.objects.get(address="Thôn 3").head.full_name == "Rơ Mah Hyũ"
    entry = AuditEntry.objects.get(action="residents.import")
    assert (entry.row_count, entry.commune, entry.actor, len(entry.rows_digest)) == (
        4, ia_krai, officer, 64)
    assert entry.details["persons"] == 4


def test_vietnamese_headers_are_accepted(write_file, ia_krai, officer):
    header = ["Mã hộ", "Địa chỉ", "Thôn", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc",
              "Số CCCD", "Số hộ chiếu", "Quốc tịch", "Số điện thoại", "Quan hệ với chủ hộ"]
    rows = [person_row(sex="nam", relation="chủ hộ"),
            person_row(name="Lê Thị Hoa", sex="nữ", relation="vợ")]
    assert _import(write_file(csv_bytes(rows, header=header)), ia_krai, officer)["rows"] == 2
    assert HouseholdMember.objects.get(person__full_name="Lê Thị Hoa").relation == "spouse"


def test_one_wrong_line_writes_nothing_and_names_line_field_and_rule(write_file, ia_krai,
                                                                      officer, villages):
    rows = [*FAMILY, person_row("H3", "Lê Văn Cường", cccd="06409001234")]  # 11 digits
    before = _counts()
    outcome = _import(write_file(csv_bytes(rows)), ia_krai, officer)
    assert outcome["state"] == "refused"
    assert outcome["errors"] == [{"line": 6, "field": "citizen_id", "rule": "digits",
                                  "message": outcome["errors"][0]["message"]}]
    assert "11" in outcome["errors"][0]["message"]
    assert _counts() == before


@pytest.mark.parametrize(("row", "field", "rule"), [
    (person_row(cccd="003090012345"), "citizen_id", "province"),
    (person_row(cccd="064099012345", birth="1990-03-02"), "citizen_id", "birth_year"),
    (person_row(cccd="064190012345"), "citizen_id", "sex"),
    (person_row(birth="31/02/1990"), "birth_date", "date"),
    (person_row(birth="2999-01-01"), "birth_date", "future"),
    (person_row(sex="x"), "sex", "choice"),
    (person_row(relation="cousin"), "relation", "choice"),
    (person_row(name=""), "full_name", "required"),
    (person_row(village="Làng Không Có"), "village", "exists"),
    (person_row(nationality="Vietnam"), "nationality", "iso3166"),
    (person_row(nationality="LA", cccd="064090012345"), "citizen_id", "nationality"),
    (person_row(phone="abc"), "phone", "phone"),
    (person_row(relation="child"), "relation", "no_head"),
    (person_row(address=""), "address", "required"),
])
def test_bad_row_is_reported_with_its_rule(write_file, ia_krai, officer, row, field, rule):
    outcome = _import(write_file(csv_bytes([row])), ia_krai, officer)
    assert outcome["state"] == "refused"
    assert (outcome["errors"][0]["line"], outcome["errors"][0]["field"],
            outcome["errors"][0]["rule"]) == (2, field, rule)
    assert not Person.objects.exists()


def test_duplicates_in_the_file_and_two_heads_are_reported(write_file, ia_krai, officer):
    rows = [person_row(cccd="064090012345"), person_row(name="Lê Văn Hai", cccd="064090012345"),
            person_row("H2", "A", passport="B1234567", nationality="LA", address="x"),
            person_row("H3", "B", passport="B1234567", nationality="LA", address="y")]
    errors = _import(write_file(csv_bytes(rows)), ia_krai, officer)["errors"]
    found = {(e["line"], e["field"], e["rule"]) for e in errors}
    assert found == {(3, "citizen_id", "duplicate_in_file"), (3, "relation", "one_head"),
                     (5, "passport_number", "duplicate_in_file")}
    assert "line 2" in errors[0]["message"]


def test_citizen_id_in_the_database_is_refused_and_elsewhere_is_audited(
        write_file, ia_krai, hai_son, officer, other_officer, make_person):
    make_person("Nguyễn Văn An", citizen_id="064090012345")
    make_person("Hoàng Văn Ba", citizen_id="064090099999", actor=other_officer, unit=hai_son)
    rows = [person_row(cccd="064090012345"),
            person_row("H2", "Hoàng Ba", cccd="064090099999", address="x")]
    errors = _import(write_file(csv_bytes(rows)), ia_krai, officer)["errors"]
    assert [(e["line"], e["rule"]) for e in errors] == [(2, "registered"),
                                                        (3, "registered_elsewhere")]
    assert "Nguyễn Văn An" in errors[0]["message"]
    assert "Hoàng" not in errors[1]["message"]
    conflict = AuditEntry.objects.get(action="person.cccd_conflict")
    assert (conflict.commune, conflict.details["count"]) == (ia_krai, 1)


def test_csv_in_windows_encoding_is_refused_naming_the_encoding_and_line(write_file, ia_krai,
                                                                         officer):
    text = "household_key,address,full_name,birth_date,sex,relation\r\n" \
           "H1,12 Le Loi,Nguyen Van An,1990-01-01,male,head\r\n" \
           "H1,12 Le Loi,Lê Bé,2015-01-01,female,child\r\n"
    outcome = _import(write_file(text.encode("cp1252")), ia_krai, officer)
    assert outcome["state"] == "refused"
    error = outcome["errors"][0]
    assert (error["line"], error["field"], error["rule"]) == (3, "file", "encoding")
    assert "Windows-1258" in error["message"] and "UTF-8" in error["message"]
    assert not Person.objects.exists()


def test_csv_in_utf16_is_refused(write_file, ia_krai, officer):
    data = csv_bytes([person_row()], encoding="utf-16")
    error = _import(write_file(data), ia_krai, officer)["errors"][0]
    assert error["rule"] == "encoding" and "UTF-16" in error["message"]


def test_semicolon_csv_without_bom_is_read(write_file, ia_krai, officer):
    data = ";".join(HEADER).encode() + b"\n" + ";".join(person_row()).encode() + b"\n"
    assert _import(write_file(data), ia_krai, officer)["state"] == "done"


def _xlsx(rows, *, broken_at: int | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=2):
        if number == broken_at:
            row = [*row]
            row[4] = "31/02/1990"
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _many(count: int) -> list[list]:
    return [person_row(f"H{i}", f"Người Số {i}", address=f"Nhà {i}") for i in range(count)]


def test_xlsx_with_broken_row_5000_is_refused_listing_line_5000(write_file, ia_krai, officer):
    path = write_file(_xlsx(_many(5200), broken_at=5000), "persons.xlsx")
    before = _counts()
    outcome = _import(path, ia_krai, officer)
    assert (outcome["state"], outcome["rows"], outcome["error_count"]) == ("refused", 5200, 1)
    assert (outcome["errors"][0]["line"], outcome["errors"][0]["field"]) == (5000, "birth_date")
    assert _counts() == before


def test_xlsx_import_keeps_citizen_ids_stored_as_numbers(write_file, ia_krai, officer):
    row = person_row()
    row[7] = 64090012345  # a spreadsheet drops the leading zero
    path = write_file(_xlsx([row]), "persons.xlsx")
    assert _import(path, ia_krai, officer)["state"] == "done"
    assert Person.objects.get().citizen_id == "064090012345"


def test_not_a_workbook_is_refused(write_file, ia_krai, officer):
    error = _import(write_file(b"not a zip", "x.xlsx"), ia_krai, officer)["errors"][0]
    assert error["rule"] == "xlsx"


def test_dry_run_checks_and_writes_nothing(write_file, ia_krai, officer, villages):
    outcome = _import(write_file(csv_bytes(FAMILY)), ia_krai, officer, dry_run=True)
    assert (outcome["state"], outcome["rows"]) == ("checked", 4)
    assert _counts() == (0, 0, 0, 0)


def test_command_imports_with_a_progress_bar_and_refuses_bad_files(write_file, ia_krai,
                                                                   villages):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("residents", "import", str(write_file(csv_bytes(FAMILY))), "--commune",
                 ia_krai.code, stdout=stdout, stderr=stderr)
    assert "done: 4 rows, 2 households" in stdout.getvalue()
    assert "validate" in stderr.getvalue() and "write" in stderr.getvalue()
    bad = write_file(csv_bytes([person_row("H9", birth="1/1/19")]), "bad.csv")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("residents", "import", str(bad), "--commune", ia_krai.code,
                     stdout=io.StringIO(), stderr=stderr)
    assert "line 2: birth_date: date" in stderr.getvalue()
    assert Person.objects.count() == 4
