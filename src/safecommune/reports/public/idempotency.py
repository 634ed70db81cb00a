"""``Idempotency-Key`` for public reports sent as multipart with photos.

``IdempotencyMiddleware`` lets multipart bodies through untouched (it fingerprints the raw
body, which Django will not hold in memory for uploads). A phone on a weak connection retries
exactly these, so the public report endpoints do the same here, with the same table, keys and
protocol (docs/decisions/0014-idempotency.md): the work and its answer in one transaction, the
answer inserted last under the key's unique index, a request whose key is taken rolled back
and answered with what was kept (422 if it was another request). The fingerprint is the
method, the path, every form field and the SHA-256 of every uploaded file. Two differences:
a kept answer is looked for before running (decoding photos is the slow part; a retry should
not pay it twice), and only successful answers are kept (a refused request wrote nothing, so
running it again is harmless).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import transaction
from django.http import HttpResponse

from safecommune.idempotency.middleware import (
    HEADER,
    keep_new,
    kept,
    key_refused,
    lookup_for,
    replay,
)


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


def multipart_idempotent(request, run: Callable[[], HttpResponse]) -> HttpResponse:
    """``run()``'s answer, made at most once per ``Idempotency-Key`` for a multipart request
    (anything else: ``run()`` as it is, the middleware has done its part). What ``run`` raises
    rolls back what it wrote and keeps nothing."""
    key = request.META.get(HEADER)
    if key is None or request.content_type != "multipart/form-data":
        return run()
    refused = key_refused(key)
    if refused is not None:
        return refused
    lookup, fingerprint = lookup_for(request, key), _fingerprint(request)
    if kept(lookup):
        return replay(lookup, fingerprint, key)
    with transaction.atomic():
        response = run()
        if keep_new(lookup, fingerprint, key, response):
            return response
        transaction.set_rollback(True)  # one sent beside it finished first
    return replay(lookup, fingerprint, key)
