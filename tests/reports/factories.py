"""Factories for reports tests: categories by factory_boy, everything else through the
services (so each record is made as the application makes it, audit entry included)."""

from __future__ import annotations

import math
from datetime import timedelta

import factory
from django.utils import timezone

from safecommune.reports import services
from safecommune.reports.models import Category

IA_KRAI_CENTRE = (14.0051, 107.685)


def offset(point: tuple[float, float], *, north_m: float = 0.0,
           east_m: float = 0.0) -> tuple[float, float]:
    """A point ``north_m`` metres north and ``east_m`` metres east of ``point``."""
    lat, lon = point
    metres_per_degree = math.pi * 6371008.8 / 180
    return (lat + north_m / metres_per_degree,
            lon + east_m / (metres_per_degree * math.cos(math.radians(lat))))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_category_{n}")
    name_vi = factory.Sequence(lambda n: f"Loại thử {n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")
    is_public = True
    is_tip = False


def incident(*, actor, unit, category="theft", summary="Mất trộm xe máy", **fields):
    fields.setdefault("occurred_at", timezone.now() - timedelta(hours=2))
    fields.setdefault("channel", "walk_in")
    return services.incident_create(actor=actor, unit=unit, category=category,
                                    summary=summary, **fields)


def report(*, actor, unit, category="theft", description="Thấy người lạ lấy xe", **fields):
    fields.setdefault("channel", "walk_in")
    return services.report_create(actor=actor, unit=unit, category=category,
                                  description=description, **fields)


def call(*, actor, unit, kind="tip", summary="Báo có người bán ma túy ở chợ", **fields):
    return services.hotline_call_log(actor=actor, unit=unit, kind=kind, summary=summary,
                                     **fields)
