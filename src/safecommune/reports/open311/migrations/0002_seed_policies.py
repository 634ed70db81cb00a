"""Seed the publication policy of the seeded categories (docs/decisions/0019-open311.md).

Not listed at all, though residents may report them: domestic violence, drug use and social
evils, where even a coarse point and a category can point at a victim or a neighbour.
Descriptions listed: traffic and fire only, where the words are about a road or a building.
Every other category is listed without its descriptions (the default, no row needed).
Existing rows are left as an administrator set them."""

from django.db import migrations

UNLISTED = ("domestic_violence", "drug_use", "social_evils")
DESCRIBED = ("traffic", "traffic_accident", "traffic_violation", "fire")


def seed(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    ServicePolicy = apps.get_model("open311", "ServicePolicy")
    for category in Category.objects.filter(code__in=UNLISTED + DESCRIBED):
        ServicePolicy.objects.get_or_create(category=category, defaults={
            "listed": category.code not in UNLISTED,
            "show_description": category.code in DESCRIBED})


class Migration(migrations.Migration):
    dependencies = [("open311", "0001_initial"), ("reports", "0002_seed_categories")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
