"""API authentication: a bearer token, or the browser session (with its CSRF check)."""

from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from safecommune.accounts.tokens import token_authenticate


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


token_or_session = [ApiTokenAuth(), django_auth]
