# The ward form asked whether the patient agrees to "their information being shared with the
# scheme": that is consent to the scheme holding and using it, so the field says so now
# (consent_to_hold). Consent to share with NHS partners is its own, optional question; no
# referral made before this asked it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_catalogues_moved"),
    ]

    operations = [
        migrations.RenameField("referral", "consent_to_share", "consent_to_hold"),
        migrations.RenameField("historicalreferral", "consent_to_share", "consent_to_hold"),
        migrations.AlterField(
            model_name="referral",
            name="consent_to_hold",
            field=models.BooleanField(
                default=False,
                verbose_name="agrees to the scheme holding and using their information",
            ),
        ),
        migrations.AlterField(
            model_name="historicalreferral",
            name="consent_to_hold",
            field=models.BooleanField(
                default=False,
                verbose_name="agrees to the scheme holding and using their information",
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="consent_to_share_with_nhs",
            field=models.BooleanField(
                default=False,
                help_text="Not ticked: not asked on the ward; the coordinator asks.",
                verbose_name="agrees to the scheme sharing with their GP and the hospital",
            ),
        ),
        migrations.AddField(
            model_name="historicalreferral",
            name="consent_to_share_with_nhs",
            field=models.BooleanField(
                default=False,
                help_text="Not ticked: not asked on the ward; the coordinator asks.",
                verbose_name="agrees to the scheme sharing with their GP and the hospital",
            ),
        ),
    ]
