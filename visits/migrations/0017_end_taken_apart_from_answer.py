# An offer withdrawn, or a support that ended, kept its end time in `responded_at`, over the
# volunteer's answer: the client's record showed "Volunteer offer ended" under the volunteer's
# name. The end now has its own time and person (0016); the answer is taken back from the
# history (a withdrawn offer was never answered; an ended support was accepted when its
# history says, or at a time no longer known, left empty rather than made up).

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def end_apart_from_answer(apps, schema_editor):
    assignment_model = apps.get_model("visits", "Assignment")
    history_model = apps.get_model("visits", "HistoricalAssignment")

    def first_history(status):
        return history_model.objects.filter(id=OuterRef("pk"), status=status).order_by(
            "history_date"
        )

    stopped = assignment_model.objects.filter(status__in=["withdrawn", "ended"])
    stopped.update(
        ended_at=F("responded_at"),
        ended_by=Subquery(first_history(OuterRef("status")).values("history_user")[:1]),
    )
    assignment_model.objects.filter(status="ended").update(
        responded_at=Subquery(first_history("accepted").values("history_date")[:1])
    )
    assignment_model.objects.filter(status="withdrawn").update(responded_at=None)


def answer_over_end(apps, schema_editor):
    assignment_model = apps.get_model("visits", "Assignment")
    assignment_model.objects.filter(ended_at__isnull=False).update(responded_at=F("ended_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0016_assignment_ended_apart_from_answer"),
    ]

    operations = [
        migrations.RunPython(end_apart_from_answer, answer_over_end),
    ]
