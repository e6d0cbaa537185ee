import datetime

import pytest
from django.utils import timezone

from aligns import weekly_grid
from aligns.catalogues.models import Need
from clients.assessment import RiskLevel
from clients.services import assessment_save_answers, assessment_sign_off, assessment_start
from referrals.services import referral_accept
from tests.clients.conftest import answers
from tests.factories import ReferralFactory
from volunteers.models import Postcode, PostcodeDistrict, TrainingCourse
from volunteers.services import dbs_record, training_record, volunteer_create, volunteer_move

# A client at the origin; points due north at known distances (1° latitude ≈ 69.1 miles).
ORIGIN = (52.0, -1.0)
POSTCODES = {
    "AB1 1AA": (52.0, -1.0),  # the client's home
    "AB1 2AA": (52.0145, -1.0),  # about 1 mile
    "AB1 3AA": (52.0435, -1.0),  # about 3 miles
    "AB2 1AA": (52.0725, -1.0),  # about 5 miles
    "ZZ9 1AA": (53.0, -1.0),  # about 69 miles: out of range
}


@pytest.fixture
def postcodes(db):
    for postcode, (lat, lon) in POSTCODES.items():
        Postcode.objects.create(
            postcode=postcode, district=postcode.split()[0], latitude=lat, longitude=lon
        )
    PostcodeDistrict.objects.create(district="AB1", latitude=52.02, longitude=-1.0)
    PostcodeDistrict.objects.create(district="AB2", latitude=52.07, longitude=-1.0)


@pytest.fixture
def mandatory_course(scheme):
    return TrainingCourse.objects.create(
        scheme=scheme, name="Safeguarding adults", mandatory=True, valid_for_months=36
    )


@pytest.fixture
def make_volunteer(scheme, coordinator, mandatory_course, postcodes):
    """An active volunteer with a valid DBS check and current mandatory training."""

    def make(postcode="AB1 2AA", skills=("shopping",), **fields):
        fields.setdefault("given_name", "Vol")
        fields.setdefault("family_name", f"Unteer {postcode}")
        volunteer = volunteer_create(
            scheme=scheme,
            by=coordinator,
            postcode=postcode,
            skills=Need.objects.filter(code__in=skills),
            **fields,
        )
        today = timezone.localdate()
        dbs_record(
            volunteer=volunteer,
            by=coordinator,
            level="enhanced_barred",
            certificate_number="001234567890",
            issued_on=today - datetime.timedelta(days=30),
            recheck_due=today + datetime.timedelta(days=1000),
        )
        training_record(
            volunteer=volunteer,
            course=mandatory_course,
            completed_on=today - datetime.timedelta(days=30),
            by=coordinator,
        )
        for stage in ("references", "dbs_checked", "trained", "active"):
            volunteer = volunteer_move(volunteer=volunteer, stage=stage, by=coordinator)
        return volunteer

    return make


@pytest.fixture
def make_episode(scheme, coordinator, postcodes):
    """An accepted referral's episode for a client at ORIGIN, assessed at `risk`."""

    def make(needs=("shopping",), risk=RiskLevel.LOW, second_sign_off=True, **client_fields):
        referral = ReferralFactory(
            ward__hospital__scheme=scheme,
            postcode="AB1 1AA",
            needs=Need.objects.filter(code__in=needs),
        )
        _, episode = referral_accept(referral=referral, by=coordinator)
        client = episode.client
        for name, value in client_fields.items():
            setattr(client, name, value)
        client.save()
        if risk is not None:
            assessment = assessment_start(client=client, by=coordinator)
            changes = {"aggression": "yes"} if risk == RiskLevel.HIGH else {}
            assessment_save_answers(
                assessment=assessment, answers=answers(**changes), by=coordinator
            )
            assessment_sign_off(assessment=assessment, level=risk, reason="", by=coordinator)
            if risk == RiskLevel.HIGH and second_sign_off:
                from clients.services import assessment_second_sign_off
                from tests.factories import ManagerFactory

                assessment_second_sign_off(assessment=assessment, by=ManagerFactory(scheme=scheme))
        return episode

    return make


MORNINGS = weekly_grid.to_mask(f"{day} morning" for day in weekly_grid.DAYS[:5])
