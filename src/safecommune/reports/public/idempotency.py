"""``Idempotency-Key`` for public reports sent as multipart with photos.

``IdempotencyMiddleware`` replays JSON POSTs but lets multipart bodies through untouched (it
fingerprints the raw body, which Django will not hold in memory for uploads). A phone on a weak
connection retries exactly these, so the public report endpoints do the same here, with the
same table, keys and rules (docs/decisions/0014-idempotency.md): the fingerprint is the method,
the path, every form field and the SHA-256 of every uploaded file; a retry gets the kept 201
again; the same key with another request is a 422; a retry while the first runs is a 409. Only
successful answers are kept: a refused request wrote nothing, so running it again is harmless.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _

from safecommune.idempotency.middleware import (
    HEADER,
    KEY_PATTERN,
    _caller,
    _cipher,
    _error,
    _server_key,
    claim,
    keep,
)
from safecommune.idempotency.models import StoredResponse


@dataclass(frozen=True)
class Pending:
    lookup: str
    key: str


def _fingerprint(request) -> str:
    digest = hashlib.sha256(b"|".join([request.method.encode(),
                                       request.get_full_path().encode()]))
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(b"\x00f\x00" + name.encode() + b"\x00" + value.encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            content = hashlib.sha256()
            for chunk in upload.chunks():
                content.update(chunk)
            upload.seek(0)
            digest.update(b"\x00u\x00" + name.encode() + b"\x00" + content.digest())
    return digest.hexdigest()


def multipart_begin(request) -> Pending | HttpResponse | None:
    """None when there is nothing to do (no key, or not multipart); an answer to send back at
    once (the kept response, or a 400/409/422); else the pending entry to finish."""
    key = request.META.get(HEADER)
    if key is None or request.content_type != "multipart/form-data":
        return None
    if not KEY_PATTERN.match(key):
        return _error(400, "format", _("The Idempotency-Key header must be 8 to 128 letters, "
                                       "digits or - _ . : characters."))
    lookup = hmac.new(_server_key(), f"{_caller(request)}|{key}".encode(),
                      hashlib.sha256).hexdigest()
    fingerprint = _fingerprint(request)
    if not claim(lookup, fingerprint):
        return _replay(lookup, fingerprint, key)
    return Pending(lookup, key)


def _replay(lookup: str, fingerprint: str, key: str) -> HttpResponse:
    stored = StoredResponse.objects.filter(lookup=lookup).first()
    if stored is not None and stored.fingerprint != fingerprint:
        return _error(422, "reused", _("This Idempotency-Key was used for a different "
                                       "request. Use a new key for a new request."))
    if stored is None or stored.status is None:
        return _error(409, "in_progress", _("A request with this Idempotency-Key is still "
                                            "being handled; retry in a moment."))
    response = HttpResponse(_cipher(key).decrypt(bytes(stored.body)), status=stored.status,
                            content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    response["Cache-Control"] = "no-cache, no-store, must-revalidate, private"
    return response


def multipart_finish(pending: Pending | None, response: HttpResponse) -> HttpResponse:
    if pending is not None:
        keep(pending.lookup, pending.key, response)
    return response


def multipart_abort(pending: Pending | None) -> None:
    if pending is not None:
        StoredResponse.objects.filter(lookup=pending.lookup).delete()
