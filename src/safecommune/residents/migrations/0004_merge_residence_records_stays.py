from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0003_residence_records"),
        ("residents", "0003_stays"),
    ]

    operations = []
