"""Open311's two limits, read like every setting from the environment: a value in settings.py
(or a test's override) wins, else the environment variable, else the default."""

from __future__ import annotations

import os

from django.conf import settings

DEFAULTS = {
    # Submissions per api_key per clock hour (a key's own ``hourly_limit`` wins).
    "SAFECOMMUNE_OPEN311_POSTS_PER_HOUR": 600,
    # Service requests in one GET requests answer, newest first.
    "SAFECOMMUNE_OPEN311_LIST_LIMIT": 1000,
}


def setting(name: str) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or DEFAULTS[name]
    return int(value)
