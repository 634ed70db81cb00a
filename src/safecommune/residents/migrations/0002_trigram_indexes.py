from django.db import migrations

from safecommune.core.dbfeatures import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]

    operations = [
        TrigramIndex("residents_person", "name_key", "person_name_key_trgm"),
        TrigramIndex("residents_person", "phone_key", "person_phone_key_trgm"),
        TrigramIndex("residents_household", "address_key", "household_address_key_trgm"),
    ]
