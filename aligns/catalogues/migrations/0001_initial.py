# The catalogues move here from referrals: Django's state only. Their tables keep their
# names (referrals_need, referrals_knownrisk), so no data moves.

from django.db import migrations, models

from aligns.migrations_support import rename_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("referrals", "0003_history_without_needs_and_risks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="KnownRisk",
                    fields=[
                        (
                            "code",
                            models.SlugField(max_length=40, primary_key=True, serialize=False),
                        ),
                        ("label", models.CharField(max_length=100)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "referrals_knownrisk",
                        "ordering": ["position", "label"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="Need",
                    fields=[
                        (
                            "code",
                            models.SlugField(max_length=40, primary_key=True, serialize=False),
                        ),
                        ("label", models.CharField(max_length=100)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "referrals_need",
                        "ordering": ["position", "label"],
                        "abstract": False,
                    },
                ),
            ],
        ),
        rename_content_types("referrals", "catalogues", ["need", "knownrisk"]),
    ]
