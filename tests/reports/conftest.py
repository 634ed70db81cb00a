"""Reports fixtures: records made through the services (the personas are in
tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.reports import factories


@pytest.fixture
def make_incident(officer, ia_krai):
    def make(**fields):
        fields.setdefault("actor", officer)
        fields.setdefault("unit", ia_krai)
        return factories.incident(**fields)

    return make


@pytest.fixture
def make_report(officer, ia_krai):
    def make(**fields):
        fields.setdefault("actor", officer)
        fields.setdefault("unit", ia_krai)
        return factories.report(**fields)

    return make


@pytest.fixture
def make_call(officer, ia_krai):
    def make(**fields):
        fields.setdefault("actor", officer)
        fields.setdefault("unit", ia_krai)
        return factories.call(**fields)

    return make
