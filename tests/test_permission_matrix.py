"""Every persona against every route; a route without a table fails the suite."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from safecommune.accounts.roles import PERSONAS
from tests.permission_matrix import ROUTES, call, make_persona


def url_pattern_names(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                yield "admin"
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_pattern_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}{entry.pattern}"


def openapi_operation_ids():
    from safecommune.api.main import api

    schema = api.get_openapi_schema()
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            yield operation["operationId"]


def test_every_url_pattern_has_a_permission_table():
    names = set(url_pattern_names())
    api_names = {n for n in names if n.startswith("api-v1:")}
    missing = {n for n in names - api_names if n not in ROUTES} | {
        n for n in api_names - set(ROUTES)
        if not any(op.endswith("_" + n.split(":", 1)[1]) for op in ROUTES)}
    assert not missing, f"routes without a permission table: {sorted(missing)}"


def test_every_openapi_operation_has_a_permission_table():
    missing = set(openapi_operation_ids()) - set(ROUTES)
    assert not missing, f"API operations without a permission table: {sorted(missing)}"


def test_every_table_covers_every_persona():
    for name, route in ROUTES.items():
        assert set(route.expected) == set(PERSONAS), name


@pytest.mark.parametrize("keyed", [False, True], ids=["plain", "idempotency-key"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, make_user, units, persona, keyed):
    """Every route for every persona; again with an ``Idempotency-Key`` on every POST, which
    runs the view inside the idempotency middleware's transaction: the answers must not
    change."""
    user = make_persona(persona, make_user, units)
    failures = []
    for name, route in ROUTES.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        extra = {}
        if keyed and route.method == "post":
            extra["HTTP_IDEMPOTENCY_KEY"] = re.sub(r"[^A-Za-z0-9_.:-]", "-",
                                                   f"matrix-{persona}-{name}")[:128]
        status = call(client, route, **extra).status_code
        if status != route.expected[persona]:
            failures.append(f"{name}: {route.method.upper()} {route.path} → {status}, "
                            f"expected {route.expected[persona]}")
    assert not failures, "\n".join(failures)
