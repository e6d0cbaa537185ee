"""Synthetic volunteers: every pipeline stage, some checks expiring or lapsed. Never real people."""

import io
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from aligns import weekly_grid
from aligns.catalogues.models import Need
from volunteers.models import Postcode, Stage, StageChange, TrainingCourse, Volunteer
from volunteers.services import (
    dbs_record,
    reference_record,
    training_record,
    volunteer_create,
    volunteer_move,
)

SYNTHETIC_POSTCODES = Path(__file__).parent / "data" / "synthetic_postcodes.csv"

COURSES = [
    # name, mandatory, valid for months
    ("Induction", True, None),
    ("Safeguarding adults", True, 36),
    ("Lone working", True, 24),
    ("Data protection", True, 12),
    ("Dementia awareness", False, None),
]

WEEKDAY_DAYTIMES = weekly_grid.to_mask(
    f"{day} {part}" for day in weekly_grid.DAYS[:5] for part in ("morning", "afternoon")
)

# given, family, postcode, gender, stage, skills, driver, experienced, languages, dbs, training
# dbs/training: "ok", "expiring" (within 30 days), "lapsed" or None (not yet)
VOLUNTEERS = [
    (
        "Val",
        "Volunteer",
        "RV1 2AB",
        "woman",
        Stage.ACTIVE,
        ["shopping", "befriending", "prescriptions"],
        False,
        True,
        "English",
        "ok",
        "ok",
    ),
    (
        "Tom",
        "Okonkwo",
        "RV2 1AA",
        "man",
        Stage.ACTIVE,
        ["transport", "shopping", "dog_walking"],
        True,
        False,
        "English, Igbo",
        "ok",
        "ok",
    ),
    (
        "Agnieszka",
        "Nowak",
        "RV3 2BB",
        "woman",
        Stage.ACTIVE,
        ["befriending", "meals", "light_housework"],
        False,
        False,
        "English, Polish",
        "expiring",
        "ok",
    ),
    (
        "Ravi",
        "Shah",
        "RV4 3DE",
        "man",
        Stage.ACTIVE,
        ["prescriptions", "signposting", "gardening"],
        True,
        True,
        "English, Gujarati",
        "ok",
        "expiring",
    ),
    (
        "Margaret",
        "Lowe",
        "RV5 1AB",
        "woman",
        Stage.ACTIVE,
        ["befriending", "seated_exercise"],
        False,
        False,
        "English",
        "lapsed",
        "ok",
    ),
    (
        "Dev",
        "Patel",
        "RV6 2AA",
        "man",
        Stage.ACTIVE,
        ["shopping", "home_preparation"],
        False,
        False,
        "English",
        "ok",
        "lapsed",
    ),
    (
        "Helen",
        "Price",
        "RV9 9AA",
        "woman",
        Stage.ACTIVE,
        ["befriending"],
        False,
        False,
        "English",
        "ok",
        "ok",
    ),
    (
        "Sam",
        "Ortiz",
        "RV7 3BD",
        "",
        Stage.PAUSED,
        ["shopping"],
        False,
        False,
        "English, Spanish",
        "ok",
        "ok",
    ),
    (
        "Grace",
        "Mensah",
        "RV8 1DE",
        "woman",
        Stage.TRAINED,
        ["befriending"],
        False,
        False,
        "English",
        "ok",
        "ok",
    ),
    (
        "Owen",
        "Jones",
        "RV2 3BB",
        "man",
        Stage.DBS_CHECKED,
        ["gardening"],
        True,
        False,
        "English, Welsh",
        "ok",
        None,
    ),
    (
        "Fatima",
        "Begum",
        "RV3 1AA",
        "woman",
        Stage.REFERENCES_RECEIVED,
        ["meals"],
        False,
        False,
        "English, Bengali",
        None,
        None,
    ),
    (
        "Jack",
        "Turner",
        "RV1 3DE",
        "man",
        Stage.APPLIED,
        ["dog_walking"],
        False,
        False,
        "English",
        None,
        None,
    ),
]

PIPELINE = [Stage.REFERENCES_RECEIVED, Stage.DBS_CHECKED, Stage.TRAINED, Stage.ACTIVE]
# How long ago each demo volunteer reached each stage (the reference came 200 days ago, the
# training was completed 100 days ago).
STAGE_DAYS_AGO = {
    Stage.APPLIED: 240,
    Stage.REFERENCES_RECEIVED: 200,
    Stage.DBS_CHECKED: 150,
    Stage.TRAINED: 100,
    Stage.ACTIVE: 90,
    Stage.PAUSED: 30,
}


def load_synthetic_postcodes():
    if not Postcode.objects.exists():
        call_command("import_postcodes", str(SYNTHETIC_POSTCODES), stdout=io.StringIO())


def seed_volunteers(*, scheme, coordinator, volunteer_user):
    load_synthetic_postcodes()
    courses = {
        name: TrainingCourse.objects.get_or_create(
            scheme=scheme, name=name, defaults={"mandatory": mandatory, "valid_for_months": months}
        )[0]
        for name, mandatory, months in COURSES
    }
    if Volunteer.objects.filter(scheme=scheme).exists():
        return
    today = timezone.localdate()
    for number, (
        given,
        family,
        postcode,
        gender,
        stage,
        skills,
        driver,
        experienced,
        languages,
        dbs,
        training,
    ) in enumerate(VOLUNTEERS):
        volunteer = volunteer_create(
            scheme=scheme,
            by=coordinator,
            given_name=given,
            family_name=family,
            email=f"{given.lower()}.{family.lower()}@volunteers.example.org",
            phone=f"07700 900{500 + number:03d}",
            postcode=postcode,
            gender=gender,
            languages=languages,
            skills=Need.objects.filter(code__in=skills),
            driver=driver,
            car_insurance_confirmed=driver,
            availability=WEEKDAY_DAYTIMES,
            experienced=experienced,
            user=volunteer_user if given == "Val" else None,
        )
        reference_record(
            volunteer=volunteer,
            by=coordinator,
            referee_name="A. Referee",
            received_on=today - timedelta(days=200),
        )
        if dbs:
            due = {"ok": 700, "expiring": 20, "lapsed": -10}[dbs]
            dbs_record(
                volunteer=volunteer,
                by=coordinator,
                level="enhanced_barred",
                certificate_number=f"00123456{number:04d}",
                issued_on=today + timedelta(days=due) - timedelta(days=3 * 365),
                update_service=dbs == "ok",
                recheck_due=today + timedelta(days=due),
            )
        if training:
            for course in courses.values():
                completed = today - timedelta(days=100)
                expires = None
                if course.valid_for_months:
                    expires = {
                        "ok": today + timedelta(days=300),
                        "expiring": today + timedelta(days=25),
                        "lapsed": today - timedelta(days=5),
                    }[training]
                    if course.name != "Data protection":
                        expires = today + timedelta(days=300)
                training_record(
                    volunteer=volunteer,
                    course=course,
                    completed_on=completed,
                    expires_on=expires,
                    by=coordinator,
                )
        for next_stage in PIPELINE:
            if volunteer.stage == stage:
                break
            volunteer = volunteer_move(volunteer=volunteer, stage=next_stage, by=coordinator)
        if stage == Stage.PAUSED:
            volunteer_move(
                volunteer=volunteer,
                stage=Stage.PAUSED,
                by=coordinator,
                reason="Away for the summer",
            )
        # The moves above are stamped today; put each on the day the journey made it, in
        # step with the reference received and the training completed above.
        for moved, days_ago in STAGE_DAYS_AGO.items():
            StageChange.objects.filter(volunteer=volunteer, stage=moved).update(
                changed_on=today - timedelta(days=days_ago)
            )
