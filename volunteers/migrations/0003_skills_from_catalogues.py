# The needs catalogue moved to aligns.catalogues: Django's state only, the tables are unchanged.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogues", "0001_initial"),
        ("volunteers", "0002_assignment_withdrawn"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalvolunteer_skills",
                    name="need",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogues.need",
                    ),
                ),
                migrations.AlterField(
                    model_name="volunteer",
                    name="skills",
                    field=models.ManyToManyField(
                        blank=True, related_name="volunteers", to="catalogues.need"
                    ),
                ),
            ],
        ),
    ]
