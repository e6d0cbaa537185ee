# The catalogues moved to aligns.catalogues: Django's state only. Their tables, and the
# tables linking referrals to them, are unchanged.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogues", "0001_initial"),
        ("referrals", "0003_history_without_needs_and_risks"),
        ("visits", "0006_activities_from_catalogues"),
        ("volunteers", "0003_skills_from_catalogues"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="needs",
                    field=models.ManyToManyField(related_name="referrals", to="catalogues.need"),
                ),
                migrations.AlterField(
                    model_name="referral",
                    name="risks",
                    field=models.ManyToManyField(
                        blank=True, related_name="referrals", to="catalogues.knownrisk"
                    ),
                ),
                migrations.DeleteModel(name="KnownRisk"),
                migrations.DeleteModel(name="Need"),
            ],
        ),
    ]
