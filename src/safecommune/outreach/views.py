"""Feedback pages: residents send and follow feedback without an account; staff answer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from safecommune.accounts.jurisdiction import can_edit_commune, can_read_commune
from safecommune.core.errors import DomainError, NotFound, errors_of
from safecommune.core.pages import visible_or_404
from safecommune.outreach import selectors, services
from safecommune.outreach.forms import AnswerForm, FeedbackForm, FollowUpForm, ReceiptForm
from safecommune.receipts.services import RateLimited, rate_limit
from safecommune.receipts.views import receipt_from_form
from safecommune.territory import selectors as territory_selectors
from safecommune.territory.services import commune_settings_for


def _private(response):
    """Pages that show a receipt secret or a conversation are never cached."""
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _add_errors(form, exc: Exception) -> None:
    for error in errors_of(exc):
        form.add_error(error["field"] if error["field"] in form.fields else None,
                       error["message"])


def _open_commune(code: str):
    try:
        commune = territory_selectors.commune_get(code=code)
    except NotFound:
        raise Http404 from None
    if not commune_settings_for(commune=commune).public_pages_open:
        raise Http404
    return commune


def feedback_new(request, code: str):
    commune = _open_commune(code)
    villages = list(commune.villages.active().order_by("name_key", "name"))
    form = FeedbackForm(request.POST or None, villages=villages)
    status = 200
    if request.method == "POST":
        try:
            rate_limit(request, "submit")
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            if form.is_valid():
                data = dict(form.cleaned_data)
                village_id = data.pop("village")
                village = next((v for v in villages if str(v.pk) == village_id), None)
                try:
                    _feedback, issued = services.feedback_submit(commune=commune,
                                                                 village=village, **data)
                except DomainError as exc:
                    _add_errors(form, exc)
                else:
                    return _private(render(request, "outreach/receipt_issued.html",
                                           {"commune": commune, "issued": issued}, status=201))
            status = 400
    return _private(render(request, "outreach/feedback_new.html",
                           {"commune": commune, "form": form}, status=status))


def receipt_lookup(request):
    """Follow a submission with its receipt code and secret (always POSTed, never in a URL)."""
    form = ReceiptForm(request.POST or None)
    follow_up = FollowUpForm(request.POST if request.POST.get("action") == "follow_up" else None)
    context = {"form": form, "follow_up": follow_up}
    status = 200
    if request.method == "POST":
        receipt, status = receipt_from_form(request, form, kind="feedback")
        if receipt is not None:
            feedback = receipt.submission
            if follow_up.is_bound:
                try:
                    if follow_up.is_valid():
                        services.feedback_follow_up(feedback=feedback,
                                                    text=follow_up.cleaned_data["text"])
                        follow_up = FollowUpForm()
                    else:
                        status = 400
                except DomainError as exc:
                    _add_errors(follow_up, exc)
                    status = 400
            context.update(receipt=receipt, feedback=feedback, follow_up=follow_up,
                           conversation=list(feedback.messages.all()))
    return _private(render(request, "outreach/receipt_lookup.html", context, status=status))


def feedback_inbox(request, code: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        commune = territory_selectors.commune_get(code=code)
    except NotFound:
        raise Http404 from None
    if not can_read_commune(request.user, commune):
        raise Http404
    rows = selectors.feedback_visible_to(user=request.user).filter(commune=commune)
    status_filter = request.GET.get("status", "")
    if status_filter:
        rows = rows.filter(status=status_filter)
    return render(request, "outreach/inbox.html", {"commune": commune, "rows": rows[:200],
                                                   "status_filter": status_filter})


@login_required
def feedback_detail(request, id: int):
    feedback = visible_or_404(selectors.feedback_get_for, user=request.user, id=id)
    may_answer = can_edit_commune(request.user, feedback.commune)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        if form.is_valid():
            services.feedback_answer(actor=request.user, feedback=feedback,
                                     text=form.cleaned_data["text"],
                                     close=form.cleaned_data["close"])
            feedback.refresh_from_db()
            form = AnswerForm()
        else:
            status = 400
    return render(request, "outreach/detail.html", {
        "feedback": feedback, "conversation": list(feedback.messages.select_related("author")),
        "form": form, "may_answer": may_answer}, status=status)
