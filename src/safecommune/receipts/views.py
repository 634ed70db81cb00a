"""The part of a receipt page every kind of submission shares."""

from __future__ import annotations

from safecommune.core.errors import NotFound
from safecommune.receipts.services import RateLimited, rate_limit, receipt_open


def receipt_from_form(request, form, *, kind: str):
    """Open the receipt a POSTed ReceiptForm names, rate-limited per address.

    Returns ``(receipt, status)``: the receipt and 200, or None with 429 or 404 and the reason
    added to the form (a wrong code and a wrong secret read the same).
    """
    try:
        rate_limit(request, "lookup")
        if not form.is_valid():
            raise NotFound("", field="code")
        return receipt_open(code=form.cleaned_data["code"], secret=form.cleaned_data["secret"],
                            kind=kind), 200
    except RateLimited as exc:
        form.add_error(None, exc.message)
        return None, 429
    except NotFound as exc:
        if exc.message:
            form.add_error(None, exc.message)
        return None, 404
