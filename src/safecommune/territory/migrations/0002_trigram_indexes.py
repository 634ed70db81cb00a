from django.db import migrations

from safecommune.core.dbfeatures import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    operations = [
        TrigramIndex("territory_administrativeunit", "name_key", "unit_name_key_trgm"),
        TrigramIndex("territory_administrativeunit", "phonetic_key", "unit_phonetic_key_trgm"),
        TrigramIndex("territory_village", "name_key", "village_name_key_trgm"),
        TrigramIndex("territory_village", "phonetic_key", "village_phonetic_key_trgm"),
    ]
