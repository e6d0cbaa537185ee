from django.db import migrations

from aligns.catalogues.lists import load_catalogues


def load(apps, schema_editor):
    load_catalogues(apps.get_model("referrals", "Need"), apps.get_model("referrals", "KnownRisk"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
