"""Import/export fixtures: files written in the documented column set, villages of Ia Krái."""

from __future__ import annotations

import csv
import io

import pytest

from safecommune.territory.services import village_create

HEADER = ["household_key", "address", "village", "full_name", "birth_date", "sex", "ethnicity",
          "citizen_id", "passport_number", "nationality", "phone", "relation"]


def person_row(key="H1", name="Nguyễn Văn An", *, address="12 Trần Hưng Đạo", village="",
               birth="1990-03-02", sex="male", ethnicity="kinh", cccd="", passport="",
               nationality="VN", phone="", relation="head"):
    return [key, address, village, name, birth, sex, ethnicity, cccd, passport, nationality,
            phone, relation]


def csv_bytes(rows, *, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def villages(ia_krai):
    return {name: village_create(commune=ia_krai, name=name) for name in ("Làng Bang", "Làng Ia")}


@pytest.fixture
def write_file(tmp_path):
    def write(data: bytes, name="persons.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def tasks_run_now(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}
