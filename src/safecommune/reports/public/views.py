"""Public pages: report an incident or a tip without an account, and follow or add to it with
the receipt. Like feedback and stay notices: rate-limited per address through the receipts
service, the receipt secret shown once, pages never cached and sent without a referrer, no
session opened (the CSRF token lives in its own cookie), nothing about the connection kept."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import ngettext

from safecommune.core.errors import DomainError
from safecommune.outreach.forms import ReceiptForm
from safecommune.outreach.views import _add_errors, _open_commune, _private
from safecommune.receipts.services import RateLimited, rate_limit
from safecommune.receipts.views import receipt_from_form
from safecommune.reports import selectors as report_selectors
from safecommune.reports.public import services
from safecommune.reports.public.forms import AdditionForm, PublicReportForm
from safecommune.reports.public.selectors import public_report_view, report_for_receipt
from safecommune.territory.services import commune_settings_for

# The services' names for a point → the form's fields.
_FORM_FIELDS = {"point": "latitude", "lat": "latitude", "lon": "longitude"}


def photo_help() -> str:
    count = services.max_photos()
    return ngettext(
        "JPEG, PNG or WebP, at most %(size)s MB, %(count)d photo. Location and camera details "
        "are removed before a photo is kept.",
        "JPEG, PNG or WebP, at most %(size)s MB each, up to %(count)d photos. Location and "
        "camera details are removed before a photo is kept.", count) % {
        "size": f"{settings.SAFECOMMUNE_PHOTO_MAX_BYTES / (1024 * 1024):.3g}", "count": count}


def _on_form(form, exc: DomainError) -> None:
    for error in getattr(exc, "errors", []):
        error["field"] = _FORM_FIELDS.get(error["field"], error["field"])
    exc.field = _FORM_FIELDS.get(exc.field, exc.field)
    _add_errors(form, exc)


def report_public_new(request, code: str):
    commune = _open_commune(code)
    villages = list(commune.villages.active().order_by("name_key", "name"))
    categories = report_selectors.category_list(public_only=True)
    form = PublicReportForm(request.POST or None, request.FILES or None, categories=categories,
                            villages=villages, photo_help=photo_help())
    status = 200
    if request.method == "POST":
        try:
            rate_limit(request, "submit")
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                village = next((v for v in villages if str(v.pk) == data["village"]), None)
                try:
                    report, issued = services.report_submit_public(
                        commune=commune, category=data["category"],
                        description=data["description"], occurred_at=data["occurred_at"],
                        village=village, point=form.point(), place=data["place"],
                        reporter_name=data["reporter_name"],
                        reporter_phone=data["reporter_phone"],
                        is_anonymous=data["is_anonymous"], photos=data["photos"])
                except DomainError as exc:
                    _on_form(form, exc)
                else:
                    return _private(render(request, "reports/public/receipt_issued.html", {
                        "commune": commune, "issued": issued, "report": report,
                        "hotline": commune_settings_for(commune=commune).duty_hotline},
                        status=201))
    return _private(render(request, "reports/public/new.html", {
        "commune": commune, "form": form,
        "hotline": commune_settings_for(commune=commune).duty_hotline}, status=status))


def report_receipt(request):
    """Follow a report with its receipt code and secret (always POSTed, never in a URL), and
    add information or photos to it."""
    form = ReceiptForm(request.POST or None)
    adding = request.method == "POST" and request.POST.get("action") == "add"
    addition = AdditionForm(request.POST if adding else None, request.FILES if adding else None,
                            photo_help=photo_help())
    context: dict = {"form": form, "addition": addition}
    status = 200
    if request.method == "POST":
        receipt, status = receipt_from_form(request, form, kind=services.RECEIPT_KIND)
        if receipt is not None:
            if adding:
                status = _add(request, addition, report_for_receipt(receipt))
                if status == 201:
                    context["added"] = True
                    addition = AdditionForm(photo_help=photo_help())
            context.update(receipt=receipt, addition=addition,
                           view=public_report_view(receipt=receipt))
    return _private(render(request, "reports/public/receipt.html", context, status=status))


def _add(request, form: AdditionForm, report) -> int:
    try:
        rate_limit(request, "submit")
    except RateLimited as exc:
        form.add_error(None, exc.message)
        return 429
    if not form.is_valid():
        return 400
    try:
        services.report_add_public(report=report, text=form.cleaned_data["text"],
                                   photos=form.cleaned_data["photos"])
    except DomainError as exc:
        _add_errors(form, exc)
        return 409 if exc.status_code == 409 else 400
    return 201
