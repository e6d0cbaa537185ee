# The needs catalogue moved to aligns.catalogues: Django's state only, the table is unchanged.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogues", "0001_initial"),
        ("visits", "0005_contact_first_answered_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="contact",
                    name="activities",
                    field=models.ManyToManyField(
                        blank=True, related_name="contacts", to="catalogues.need"
                    ),
                ),
            ],
        ),
    ]
