"""Name terms for person search (residents/models/terms.py, docs/decisions/0018): the column,
its values for existing persons, and on PostgreSQL its inverted (GIN) index in place of the
name's trigram index."""

from django.db import migrations, models

from safecommune.core.dbfeatures import PostgresSQL

BATCH = 2000


def fill_terms(apps, schema_editor):
    from safecommune.residents.models.terms import name_terms

    Person = apps.get_model("residents", "Person")
    last = 0
    while True:
        batch = list(Person.objects.filter(pk__gt=last).order_by("pk")
                     .only("pk", "name_key", "commune_id")[:BATCH])
        if not batch:
            return
        for person in batch:
            person.name_terms = name_terms(person.name_key, person.commune_id)
        Person.objects.bulk_update(batch, ["name_terms"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [("residents", "0006_photos_reminders")]

    operations = [
        migrations.AddField(
            model_name="person", name="name_terms",
            field=models.TextField(blank=True, default="", editable=False)),
        migrations.RunPython(fill_terms, migrations.RunPython.noop, elidable=True),
        PostgresSQL(
            "CREATE INDEX IF NOT EXISTS person_name_terms_gin ON residents_person "
            "USING gin (array_to_tsvector(string_to_array(name_terms, ' ')))",
            "DROP INDEX IF EXISTS person_name_terms_gin"),
        # Person search no longer reads it, and the planner took it for the word conditions
        # (regular expressions) and sorted every match instead of walking the name index.
        PostgresSQL(
            "DROP INDEX IF EXISTS person_name_key_trgm",
            "CREATE INDEX IF NOT EXISTS person_name_key_trgm ON residents_person "
            "USING gin (name_key gin_trgm_ops)"),
    ]
