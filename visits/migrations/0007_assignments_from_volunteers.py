# Assignments move here from volunteers: Django's state only. The tables keep their names
# (volunteers_assignment, volunteers_historicalassignment), so no data moves; the content
# types are renamed so the logs' links to assignments keep working.

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from aligns.migrations_support import rename_content_types

STATUSES = [
    ("offered", "Offered"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("withdrawn", "Withdrawn by the scheme"),
    ("ended", "Ended"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("visits", "0006_activities_from_catalogues"),
        ("volunteers", "0004_assignments_to_visits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalAssignment",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(choices=STATUSES, default="offered", max_length=10),
                        ),
                        (
                            "phone_only",
                            models.BooleanField(
                                default=False,
                                help_text="Phone support only: no home visits (high risk, not yet cleared).",
                            ),
                        ),
                        ("offered_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("responded_at", models.DateTimeField(blank=True, null=True)),
                        ("decline_reason", models.TextField(blank=True)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "episode",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="visits.supportepisode",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "offered_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "volunteer",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="volunteers.volunteer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical assignment",
                        "verbose_name_plural": "historical assignments",
                        "db_table": "volunteers_historicalassignment",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Assignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(choices=STATUSES, default="offered", max_length=10),
                        ),
                        (
                            "phone_only",
                            models.BooleanField(
                                default=False,
                                help_text="Phone support only: no home visits (high risk, not yet cleared).",
                            ),
                        ),
                        ("offered_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("responded_at", models.DateTimeField(blank=True, null=True)),
                        ("decline_reason", models.TextField(blank=True)),
                        (
                            "episode",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assignments",
                                to="visits.supportepisode",
                            ),
                        ),
                        (
                            "offered_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "volunteer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assignments",
                                to="volunteers.volunteer",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "volunteers_assignment",
                        "ordering": ["-offered_at", "-pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("status__in", ["offered", "accepted"])),
                                fields=("episode",),
                                name="one_live_assignment_per_episode",
                            )
                        ],
                    },
                ),
            ],
        ),
        rename_content_types("volunteers", "visits", ["assignment", "historicalassignment"]),
    ]
