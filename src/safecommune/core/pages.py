"""Small helpers the pages share."""

from __future__ import annotations

from django.http import Http404

from safecommune.core.errors import NotFound


def visible_or_404(get_for, *, user, id: int):
    """A record through its ``<entity>_get_for`` selector; missing and out of scope are 404."""
    try:
        return get_for(user=user, id=id)
    except NotFound:
        raise Http404 from None
