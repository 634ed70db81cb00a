"""Receipt codes and the daily address tags of the public rate limits."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.test import RequestFactory
from django.utils import timezone

from safecommune.receipts import services
from safecommune.receipts.services import CODE_ALPHABET, CODE_LENGTH, new_code


def test_codes_are_drawn_evenly_from_the_alphabet():
    codes = [new_code() for _ in range(2000)]

    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert len(set(codes)) == len(codes)
    counts = Counter("".join(codes))
    # 20,000 characters over 32: 625 each expected; a skewed draw (a byte folded unevenly,
    # a character never drawn) falls far outside this band.
    assert set(counts) == set(CODE_ALPHABET)
    assert 450 < min(counts.values()) and max(counts.values()) < 800


def _tag(address: str) -> str:
    return services._address_tag(RequestFactory().get("/", REMOTE_ADDR=address))


def test_an_address_tag_holds_for_a_day_and_changes_with_the_day_and_the_key(monkeypatch):
    today = _tag("203.0.113.7")

    assert _tag("203.0.113.7") == today and _tag("203.0.113.8") != today
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(services.timezone, "now", lambda: tomorrow)
    next_day = _tag("203.0.113.7")
    assert next_day != today
    monkeypatch.setenv("SAFECOMMUNE_RECEIPT_KEY", "another key for this test")
    services._key.cache_clear()  # the key is read once per process
    try:
        assert _tag("203.0.113.7") not in (today, next_day)
    finally:
        monkeypatch.delenv("SAFECOMMUNE_RECEIPT_KEY")
        services._key.cache_clear()
