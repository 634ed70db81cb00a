"""Text fields of the reports app refuse what the databases cannot store (PostgreSQL text
cannot hold NUL): a clear 422 naming the field, never a 500."""

import json

import pytest

from safecommune.core.errors import DomainError
from safecommune.reports.services import checks


def test_nul_in_text_is_refused_naming_the_field():
    with pytest.raises(DomainError) as caught:
        checks.text("cướp\x00giật", "description", required=True)
    assert caught.value.field == "description"
    assert caught.value.rule == "nul"


def test_public_api_answers_nul_with_a_422(client, units, db):
    commune = units("2025", "23776")
    body = {"commune": commune.code, "category": "theft", "description": "a\u0000b",
            "place": "Chợ"}
    response = client.post("/api/v1/public/reports", json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 422
    assert any(e["field"] == "description" and e["rule"] == "nul"
               for e in response.json()["errors"])


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 30])
def test_list_filters_refuse_non_ascii_digits_and_huge_numbers(client, make_user, units, value):
    from safecommune.accounts.roles import Role

    client.force_login(make_user(Role.COMMUNE_OFFICER, units("2025", "23776")))
    for name in ("village", "assignee"):
        response = client.get("/api/v1/incidents", {name: value})
        assert response.status_code in (400, 422), response.content
