"""Reporters' names and phones encrypted at rest (docs/decisions/0017-field-encryption.md):
the columns become text holding tokens, and the rows already there are encrypted in place (and
decrypted back when the migration is reversed). Report photos and additions get their tables.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import safecommune.core.crypto.fields
from safecommune.core.crypto import decrypt_text, encrypt_text, token_key_id

IDENTITY_CONTEXTS = {"name": "reports.reporter.name", "phone": "reports.reporter.phone"}


def _convert(schema_editor, change) -> None:
    """Rewrite each non-empty name and phone with ``change(value, context)``; raw SQL, as the
    historical model's field would try to decrypt the plaintext on load."""
    connection = schema_editor.connection
    table = connection.ops.quote_name("reports_reporteridentity")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, name, phone FROM {table} ORDER BY id")
        rows = cursor.fetchall()
        for pk, name, phone in rows:
            values = {}
            for column, value in (("name", name), ("phone", phone)):
                if value:
                    changed = change(value, IDENTITY_CONTEXTS[column])
                    if changed != value:
                        values[column] = changed
            if values:
                assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in values)
                cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s",
                               [*values.values(), pk])


def encrypt_identities(apps, schema_editor):
    _convert(schema_editor, lambda value, context: value if token_key_id(value)
             else encrypt_text(value, context=context))


def decrypt_identities(apps, schema_editor):
    _convert(schema_editor, lambda value, context: decrypt_text(value, context=context)
             if token_key_id(value) else value)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_trigram_indexes'),
        ('territory', '0007_order_by_commune_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='reporteridentity',
            name='name',
            field=safecommune.core.crypto.fields.EncryptedTextField(blank=True, context='reports.reporter.name', verbose_name="reporter's name"),
        ),
        migrations.AlterField(
            model_name='reporteridentity',
            name='phone',
            field=safecommune.core.crypto.fields.EncryptedTextField(blank=True, context='reports.reporter.phone', validators=[django.core.validators.RegexValidator('^\\+?[0-9][0-9 .\\-]{1,18}[0-9]$', 'Enter a telephone number: digits, optionally starting with +, 3 to 20 characters.', code='phone')], verbose_name="reporter's phone"),
        ),
        migrations.RunPython(encrypt_identities, decrypt_identities),
        migrations.CreateModel(
            name='ReportAddition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                ('modified_at', models.DateTimeField(auto_now=True, verbose_name='modified at')),
                ('text', models.TextField(blank=True, verbose_name='added information')),
                ('commune', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='territory.administrativeunit', verbose_name='commune')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('modified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='modified by')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='additions', to='reports.report', verbose_name='report')),
            ],
            options={
                'verbose_name': 'addition to a report',
                'verbose_name_plural': 'additions to reports',
                'ordering': ['report', 'created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReportPhoto',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                ('modified_at', models.DateTimeField(auto_now=True, verbose_name='modified at')),
                ('position', models.PositiveSmallIntegerField(verbose_name='number')),
                ('content', models.BinaryField(verbose_name='JPEG image')),
                ('content_type', models.CharField(default='image/jpeg', max_length=32, verbose_name='content type')),
                ('width', models.PositiveIntegerField(verbose_name='width')),
                ('height', models.PositiveIntegerField(verbose_name='height')),
                ('size', models.PositiveIntegerField(verbose_name='size in bytes')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('addition', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='photos', to='reports.reportaddition', verbose_name='addition')),
                ('commune', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='territory.administrativeunit', verbose_name='commune')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('modified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='modified by')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='photos', to='reports.report', verbose_name='report')),
            ],
            options={
                'verbose_name': 'report photo',
                'verbose_name_plural': 'report photos',
                'ordering': ['report', 'position'],
                'constraints': [models.UniqueConstraint(fields=('report', 'position'), name='report_photo_position_unique'), models.CheckConstraint(condition=models.Q(('height__gt', 0), ('position__gt', 0), ('size__gt', 0), ('width__gt', 0)), name='report_photo_not_empty')],
            },
        ),
    ]
