"""The ``/api/v1/`` API. Handlers call selectors and services only; every error is JSON
``{"errors": [{"field", "rule", "message"}]}`` with a 4xx status."""

from __future__ import annotations

import json

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from safecommune.api.communes import router as communes_router
from safecommune.api.outreach import router as outreach_router
from safecommune.api.residence import router as residence_router
from safecommune.api.residents import router as residents_router
from safecommune.api.stays import router as stays_router
from safecommune.api.territory import router as territory_router
from safecommune.api.transfer import router as transfer_router
from safecommune.api.system import router as system_router
from safecommune.core.errors import DomainError, errors_of

class JSONObjectParser(Parser):
    """JSON bodies must be objects; the reason a body is refused is kept for the error."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            if isinstance(exc, json.JSONDecodeError):
                request.body_error = _("The body is not valid JSON: %(error)s at line %(line)d, "
                                       "column %(column)d.") % {
                    "error": exc.msg, "line": exc.lineno, "column": exc.colno}
            else:
                request.body_error = _("The body is not UTF-8 text.")
            raise
        if not isinstance(data, dict):
            request.body_error = _("The body must be a JSON object.")
            raise ValueError(request.body_error)
        return data


api = NinjaAPI(
    parser=JSONObjectParser(),
    title="SafeCommune API",
    version="1",
    description="Grassroots security and order: territories, residence, reports and more.",
    urls_namespace="api-v1",
    docs_url="/docs",
)


def error_body(errors: list[dict]) -> dict:
    return {"errors": errors}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, error_body(errors_of(exc)), status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = []
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path",
                                                                          "payload", "form")]
        errors.append({
            "field": ".".join(loc) or None,
            "rule": item.get("type", "invalid"),
            "message": item.get("msg", _("Invalid value.")),
        })
    return api.create_response(request, error_body(errors), status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    body_error = getattr(request, "body_error", None)
    if body_error and exc.status_code == 400:
        return api.create_response(
            request, error_body([{"field": "body", "rule": "json", "message": body_error}]),
            status=400)
    return api.create_response(
        request, error_body([{"field": None, "rule": "http", "message": str(exc)}]),
        status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return api.create_response(
        request, error_body([{"field": None, "rule": "not_found",
                              "message": _("Not found.")}]), status=404)


# The public reports first: the busiest route (residents' submissions) is then the first
# pattern Django tries, instead of the sixty-odd staff routes before it (docs/benchmarks.md).
# Nothing else starts with "public/", so the order changes no other match.
api.add_router("/public", "safecommune.api.public_reports.router")
api.add_router("/", system_router)
api.add_router("/units", territory_router)
api.add_router("/communes", communes_router)
api.add_router("/", outreach_router)
api.add_router("/", residents_router)
api.add_router("/", transfer_router)
api.add_router("/", residence_router)
api.add_router("/", stays_router)
# Before the reports router: its /incidents/{id} would take "points" and "export" for an id.
api.add_router("/", "safecommune.api.incident_lists.router")
api.add_router("/", "safecommune.api.reports.router")
