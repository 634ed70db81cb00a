"""API authentication: a bearer token, or the browser session (with its CSRF check); on public
reads either is optional."""

from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from safecommune.accounts.tokens import token_authenticate


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


def anonymous(request):
    """Last resort on public reads: no credentials is fine, the route decides what to show."""
    return request.user


token_or_session = [ApiTokenAuth(), django_auth]
# Public reads: a token or session still counts (staff see more), but neither is required.
optional_auth = [ApiTokenAuth(), django_auth, anonymous]
