"""TOTP second factor for staff (django-otp)."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from safecommune.accounts.jurisdiction import is_staff_user


def requires_second_factor(user) -> bool:
    return bool(settings.SAFECOMMUNE_STAFF_2FA and user is not None and user.is_authenticated
                and (user.is_staff or user.is_superuser or is_staff_user(user)))


def needs_second_factor(request) -> bool:
    user = getattr(request, "user", None)
    return requires_second_factor(user) and not user.is_verified()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device a user is enrolling (created once, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="SafeCommune", confirmed=False)
    return device


def device_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def device_qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111",
                                                                 light="#fff")
