from django.db import migrations

from clients.outcomes import ends_paired, scores_rebuilt


def work_out_from_the_answers(apps, schema_editor):
    OutcomeMeasure = apps.get_model("clients", "OutcomeMeasure")
    scores_rebuilt(OutcomeMeasure, apps.get_model("clients", "OutcomeAnswer"))
    ends_paired(OutcomeMeasure.objects.all())


class Migration(migrations.Migration):
    # Apart from 0012: PostgreSQL refuses to build the new column's index in a transaction
    # that has written the rows ("pending trigger events").
    dependencies = [("clients", "0012_kept_outcome_pairs")]

    operations = [migrations.RunPython(work_out_from_the_answers, migrations.RunPython.noop)]
