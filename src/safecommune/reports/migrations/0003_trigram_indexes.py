from django.db import migrations

from safecommune.core.dbfeatures import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_seed_categories")]

    operations = [
        TrigramIndex("reports_incident", "search_key", "incident_search_key_trgm"),
    ]
