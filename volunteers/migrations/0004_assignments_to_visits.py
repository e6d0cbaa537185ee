# Assignments move to visits (they belong to a support episode): Django's state only. The
# tables (volunteers_assignment, volunteers_historicalassignment) stay where they are, and
# visits.0007 takes them over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0003_skills_from_catalogues"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="historicalassignment", name="episode"),
                migrations.RemoveField(model_name="historicalassignment", name="history_user"),
                migrations.RemoveField(model_name="historicalassignment", name="offered_by"),
                migrations.RemoveField(model_name="historicalassignment", name="volunteer"),
                migrations.DeleteModel(name="Assignment"),
                migrations.DeleteModel(name="HistoricalAssignment"),
            ],
        ),
    ]
