"""What a flushed test database needs back: tests that commit for real (``transactional_db``,
``live_server``) end with a flush, which empties the tables the migrations and the session
fixture filled."""

from __future__ import annotations


def reseed() -> None:
    """The rows migrations seed (categories, publication policies) and the territories."""
    import importlib

    from django.apps import apps

    from safecommune.reports.models import Category
    from safecommune.territory.loader import territory_load
    from safecommune.territory.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        territory_load()
    if not Category.objects.exists():
        for module in ("safecommune.reports.migrations.0002_seed_categories",
                       "safecommune.reports.open311.migrations.0002_seed_policies"):
            importlib.import_module(module).seed(apps, None)
