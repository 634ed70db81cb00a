"""Refuse oversize request bodies before anything reads them.

Form and JSON bodies: ``SAFECOMMUNE_MAX_BODY_BYTES`` (1 MB). File uploads (multipart) may be
larger — an import, or a report's photos — up to ``SAFECOMMUNE_MAX_UPLOAD_BYTES``; each view
still checks its own file against its own limit (import, photo).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        multipart = (request.META.get("CONTENT_TYPE") or "").startswith("multipart/form-data")
        limit = (settings.SAFECOMMUNE_MAX_UPLOAD_BYTES if multipart
                 else settings.SAFECOMMUNE_MAX_BODY_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return JsonResponse(
                {"errors": [{"field": "Content-Length", "rule": "invalid",
                             "message": _("The Content-Length header is not a number.")}]},
                status=400,
            )
        if length > limit:
            return JsonResponse(
                {"errors": [{"field": "body", "rule": "max_size",
                             "message": _("The request body is larger than %(limit)d bytes.")
                             % {"limit": limit}}]},
                status=413,
            )
        return self.get_response(request)
