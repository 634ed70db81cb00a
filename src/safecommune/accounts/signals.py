"""Sign-in bookkeeping: the session's sign-in time, audit entries for every sign-in and every
failed attempt (national chain), and the failure counters of the login-flood caps."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from safecommune.accounts import throttle
from safecommune.accounts.middleware import SessionLimitsMiddleware
from safecommune.core.audit import audit_append


@receiver(user_logged_in)
def mark_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SessionLimitsMiddleware.LOGIN_AT] = now
        request.session[SessionLimitsMiddleware.SEEN_AT] = now
    with transaction.atomic():
        audit_append(action="login.success", actor=user, obj=user)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The typed username is not stored: people type passwords into it by mistake.
    username = (credentials or {}).get("username") or ""
    known = get_user_model().objects.filter(username=username).first() if username else None
    with transaction.atomic():
        audit_append(action="login.failure", obj=known,
                     details={"known_user": known is not None})


@receiver(user_login_failed)
def count_failed_sign_in(sender, credentials, request=None, **kwargs):
    # A failure without a request comes from code (a command, a test), not from a client.
    if request is not None:
        throttle.login_failure_count(request=request,
                                     username=(credentials or {}).get("username") or "")
