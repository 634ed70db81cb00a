"""``Idempotency-Key`` on API POSTs: a retried submission creates exactly one record.

The first request with a key runs and its response (2xx or 4xx) is kept for
SAFECOMMUNE_IDEMPOTENCY_HOURS; a retry with the same key and the same request gets that
response again. The same key with another request is a 422. 5xx responses are not kept, so
they can be retried. See docs/decisions/0014-idempotency.md.

The request runs in one transaction with the keeping of its response: the response is
inserted last, under the key's unique index, and the transaction commits only if that insert
took the key. A request whose key is taken (a retry of a finished request, or one that ran
beside the first and waited for it at that index) rolls back whatever it did and answers with
what was kept — one commit per request, and no record twice. Multipart uploads keep the older
protocol (``claim`` before, ``keep`` after; a retry meanwhile is a 409): see
``reports.public.idempotency``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
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


def _error(status: int, rule: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": [{"field": "Idempotency-Key", "rule": rule,
                                     "message": message}]}, status=status)


def _cipher(key: str) -> Fernet:
    derived = hmac.new(_server_key(), b"body:" + key.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


_STORED = Table(StoredResponse)
_EXPIRED = f'"{StoredResponse._meta.db_table}"."created_at" < %s'


def _insert(lookup: str, fingerprint: str) -> bool:
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint: the caller's transaction survives
                _STORED.insert(StoredResponse(lookup=lookup, fingerprint=fingerprint))
        else:  # autocommit: one statement, nothing to roll back
            _STORED.insert(StoredResponse(lookup=lookup, fingerprint=fingerprint))
    except IntegrityError:
        return False
    return True


def claim(lookup: str, fingerprint: str) -> bool:
    """Keep a pending entry for this lookup: True when this request is the first with its
    key (an expired entry of the same key is dropped first), False when another holds it."""
    if _insert(lookup, fingerprint):
        return True
    cutoff = timezone.now() - timedelta(hours=settings.SAFECOMMUNE_IDEMPOTENCY_HOURS)
    if StoredResponse.objects.filter(lookup=lookup, created_at__lt=cutoff).delete()[0]:
        return _insert(lookup, fingerprint)
    return False


def keep_new(lookup: str, fingerprint: str, key: str, response) -> bool:
    """Keep a finished response under a lookup nobody holds (or an expired one); False when
    the lookup is held — a request that ran first (waited for here until it ends)."""
    cutoff = timezone.now() - timedelta(hours=settings.SAFECOMMUNE_IDEMPOTENCY_HOURS)
    return _STORED.insert(
        StoredResponse(lookup=lookup, fingerprint=fingerprint, status=response.status_code,
                       content_type=response.get("Content-Type", ""),
                       body=_cipher(key).encrypt(response.content)),
        unless_taken="lookup",
        replace_where=(_EXPIRED, [cutoff]))


def keep(lookup: str, key: str, response) -> None:
    """Store the finished response of a claimed lookup, encrypted under the client's key."""
    _STORED.update("lookup = %s", [lookup], status=response.status_code,
                   content_type=response.get("Content-Type", ""),
                   body=_cipher(key).encrypt(response.content))


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if (key is None or request.method != "POST" or not request.path.startswith(PATHS)
                or request.content_type == "multipart/form-data"):
            # File uploads (imports) are jobs with their own id; not replayed from memory.
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return _error(400, "format", _("The Idempotency-Key header must be 8 to 128 letters, "
                                           "digits or - _ . : characters."))
        lookup = hmac.new(_server_key(), f"{_caller(request)}|{key}".encode(),
                          hashlib.sha256).hexdigest()
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
            if connection.needs_rollback:
                # A statement failed outside a savepoint of the view's own (Django then
                # marks the whole transaction) and the view still answered, a 4xx: nothing
                # it did survives. Keep the answer after the rollback.
                taken = None
            elif keep_new(lookup, fingerprint, key, response):
                return response
            else:
                transaction.set_rollback(True)
                taken = True
        if taken or not keep_new(lookup, fingerprint, key, response):
            return self._replay(lookup, fingerprint, key)
        return response

    def _replay(self, lookup: str, fingerprint: str, key: str):
        stored = StoredResponse.objects.filter(lookup=lookup).first()
        if stored is None:
            return _error(409, "in_progress", _("A request with this Idempotency-Key is still "
                                                "being handled; retry in a moment."))
        if stored.fingerprint != fingerprint:
            return _error(422, "reused", _("This Idempotency-Key was used for a different "
                                           "request. Use a new key for a new request."))
        if stored.status is None:
            return _error(409, "in_progress", _("A request with this Idempotency-Key is still "
                                                "being handled; retry in a moment."))
        try:
            body = _cipher(key).decrypt(bytes(stored.body))
        except InvalidToken:
            return _error(422, "reused", _("This Idempotency-Key was used for a different "
                                           "request. Use a new key for a new request."))
        response = HttpResponse(body, status=stored.status, content_type=stored.content_type)
        response["Idempotent-Replayed"] = "true"
        return response
