"""Responses kept for retried POSTs (the ``Idempotency-Key`` header)."""

from __future__ import annotations

from django.db import models


class StoredResponse(models.Model):
    # sha256 of (server key, caller, key): the raw key is never stored.
    lookup = models.CharField(max_length=64, unique=True)
    # sha256 of method, path and body: a key reused for another request is refused.
    fingerprint = models.CharField(max_length=64)
    # Null only in rows the first version of the protocol claimed before running its request.
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    # The body, encrypted under a key derived from the client's Idempotency-Key, so a stored
    # receipt secret is readable only by whoever holds that key.
    body = models.BinaryField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
