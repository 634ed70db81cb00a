"""Byte-order indexes for person search at province scale (residents/search.py,
docs/decisions/0018-person-search.md): name prefix and name order per commune and across a
province, and citizen-ID prefixes."""

from django.db import migrations

from safecommune.core.dbfeatures import ByteOrderIndex


class Migration(migrations.Migration):

    dependencies = [("residents", "0004_merge_residence_records_stays")]

    operations = [
        ByteOrderIndex("residents_person", ["commune_id", "name_key", "id"],
                       "person_commune_namec_idx", bytewise=["name_key"]),
        ByteOrderIndex("residents_person", ["name_key", "id"], "person_namec_idx",
                       bytewise=["name_key"], include=["commune_id"]),
        ByteOrderIndex("residents_person", ["citizen_id"], "person_citizen_prefix_idx",
                       bytewise=["citizen_id"], condition="citizen_id <> ''"),
    ]
