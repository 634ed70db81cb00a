"""Recompute stored phonetic keys after the key rules changed (word-initial ngh/gh, gi/з,
doubled letters across joined syllables). Uses the current rules on purpose: a key is only
useful if it was made by the same function that makes the query's key."""

from django.db import migrations


def recompute(apps, schema_editor):
    from safecommune.core.text import phonetic

    for model_name in ("AdministrativeUnit", "Village"):
        model = apps.get_model("territory", model_name)
        changed = []
        for row in model.objects.only("id", "name", "phonetic_key").iterator(chunk_size=2000):
            key = phonetic(row.name)
            if key != row.phonetic_key:
                row.phonetic_key = key
                changed.append(row)
        model.objects.bulk_update(changed, ["phonetic_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("territory", "0004_vietnamese_order")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
