"""``Idempotency-Key`` on API POSTs: a retried submission creates exactly one record.

The first request with a key runs and its response (2xx or 4xx) is kept for
SAFECOMMUNE_IDEMPOTENCY_HOURS; a retry with the same key and the same request gets that
response again. The same key with another request is a 422. 5xx responses are not kept, so
they can be retried. See docs/decisions/0014-idempotency.md.

The request runs in one transaction with the keeping of its response: the response is
inserted last, under the key's unique index, and the transaction commits only if that insert
took the key. A request whose key is taken (a retry of a finished request, or one that ran
beside the first and waited for it at that index) rolls back whatever it did and answers with
what was kept — one commit per request, and no record twice. Multipart bodies pass through
here untouched; the public reports with photos do the same in ``reports.public.idempotency``
(their fingerprint needs the parsed files).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.statements import Table
from safecommune.idempotency.models import StoredResponse

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{8,128}$")
PATHS = ("/api/", "/open311/")


def _server_key() -> bytes:
    from safecommune.settings import read_or_create_secret

    return read_or_create_secret("idempotency-key", "SAFECOMMUNE_IDEMPOTENCY_SECRET").encode()


def _caller(request) -> str:
    """Who sent the request, as far as keys are scoped: two callers never share a key."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        return "auth:" + hashlib.sha256(auth.encode()).hexdigest()
    if request.path.startswith("/open311/"):
        # Open311 clients send their api_key in the query or the form body (GeoReport v2).
        api_key = request.GET.get("api_key") or (
            request.POST.get("api_key")
            if request.content_type == "application/x-www-form-urlencoded" else None)
        if api_key:
            return "open311:" + hashlib.sha256(api_key.encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anonymous"


def key_refused(key: str) -> JsonResponse | None:
    """The 400 for a malformed key, or None."""
    if KEY_PATTERN.match(key):
        return None
    return _error(400, "format", _("The Idempotency-Key header must be 8 to 128 letters, "
                                   "digits or - _ . : characters."))


def lookup_for(request, key: str) -> str:
    """The stored rows' key: the client's key scoped to its caller, under the server key."""
    return hmac.new(_server_key(), f"{_caller(request)}|{key}".encode(),
                    hashlib.sha256).hexdigest()


def _error(status: int, rule: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": [{"field": "Idempotency-Key", "rule": rule,
                                     "message": message}]}, status=status)


def _cipher(key: str) -> Fernet:
    derived = hmac.new(_server_key(), b"body:" + key.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


_STORED = Table(StoredResponse)
_EXPIRED = f'"{StoredResponse._meta.db_table}"."created_at" < %s'


def _expiry() -> datetime:
    """Answers kept before this have expired: their keys may be used again."""
    return timezone.now() - timedelta(hours=settings.SAFECOMMUNE_IDEMPOTENCY_HOURS)


def keep_new(lookup: str, fingerprint: str, key: str, response) -> bool:
    """Keep a finished response under a lookup nobody holds (or an expired one); False when
    the lookup is held — a request that ran first (waited for here until it ends)."""
    return _STORED.insert(
        StoredResponse(lookup=lookup, fingerprint=fingerprint, status=response.status_code,
                       content_type=response.get("Content-Type", ""),
                       body=_cipher(key).encrypt(response.content)),
        unless_taken="lookup",
        replace_where=(_EXPIRED, [_expiry()]))


def kept(lookup: str) -> bool:
    """Whether an answer is kept under this lookup (and not expired)."""
    return StoredResponse.objects.filter(lookup=lookup, created_at__gte=_expiry()).exists()


def _reused() -> JsonResponse:
    return _error(422, "reused", _("This Idempotency-Key was used for a different request. "
                                   "Use a new key for a new request."))


def replay(lookup: str, fingerprint: str, key: str) -> HttpResponse:
    """The answer kept under ``lookup`` for this request; 422 for another request under the
    same key; 409 when there is none to give (a row the first version of this protocol left
    while its request ran, or one pruned meanwhile)."""
    stored = StoredResponse.objects.filter(lookup=lookup).first()
    if stored is not None and stored.fingerprint != fingerprint:
        return _reused()
    if stored is None or stored.status is None:
        return _error(409, "in_progress", _("A request with this Idempotency-Key is still "
                                            "being handled; retry in a moment."))
    try:
        body = _cipher(key).decrypt(bytes(stored.body))
    except InvalidToken:  # the same body sent under another key's material
        return _reused()
    response = HttpResponse(body, status=stored.status, content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    # What was kept may hold a receipt's secret: never in a shared cache.
    response["Cache-Control"] = "no-cache, no-store, must-revalidate, private"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if (key is None or request.method != "POST" or not request.path.startswith(PATHS)
                or request.content_type == "multipart/form-data"):
            # File uploads (imports) are jobs with their own id; not replayed from memory.
            return self.get_response(request)
        refused = key_refused(key)
        if refused is not None:
            return refused
        lookup = lookup_for(request, key)
        fingerprint = hashlib.sha256(
            b"|".join([request.method.encode(), request.get_full_path().encode(),
                       request.body])).hexdigest()
        connection = transaction.get_connection()
        with transaction.atomic():
            response = self.get_response(request)
            if getattr(response, "streaming", False):
                return response  # its work commits; a stream is not kept
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            # A statement failed outside a savepoint of the view's own (Django then marks the
            # whole transaction) and the view still answered, a 4xx: nothing it did survives,
            # and its answer is kept after the rollback.
            failed = connection.needs_rollback
            if not failed and keep_new(lookup, fingerprint, key, response):
                return response
            transaction.set_rollback(True)  # failed, or the key is taken
        if failed and keep_new(lookup, fingerprint, key, response):
            return response
        return replay(lookup, fingerprint, key)
