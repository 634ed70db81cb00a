"""Mark the sign-in time on the session, for the session limits."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from safecommune.accounts.middleware import SessionLimitsMiddleware


@receiver(user_logged_in)
def mark_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SessionLimitsMiddleware.LOGIN_AT] = now
        request.session[SessionLimitsMiddleware.SEEN_AT] = now
