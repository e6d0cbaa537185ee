"""A scheme with one record of every kind, made through the services as people would make them.

For the tests that walk every page and every form (tests/aligns/test_access_matrix.py,
tests/aligns/test_hostile_input.py) and those that need every kind of record with a change
history (tests/audit/test_history_view.py): each page finds a record to show, each form one
to change. A plain module, not a conftest: each test module builds its worlds when and as
often as it needs (once for the module, inside a transaction it rolls back), and adds to one
what only it needs.

The people's names are the caller's (the access matrix gives names nobody else has, so that
finding one on another scheme's page can only mean it leaked); those it leaves out are the
factories'. NHS numbers are synthetic, `nhs_base` + 1 to 5: worlds with bases a thousand
apart never share one.
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from aligns.accounts.models import Role
from aligns.accounts.services import (
    account_request_receive,
    account_request_submit,
    account_request_verify,
)
from aligns.audit.models import AccessLogEntry, LawfulBasis
from aligns.audit.sharing import sharing_record
from aligns.catalogues.models import Need
from aligns.nhs import synthetic_nhs_number
from clients.models import ConsentKind, Timepoint
from clients.services import (
    assessment_save_answers,
    assessment_start,
    consent_record,
    consent_to_share,
    goal_add,
    measure_record,
)
from referrals.services import referral_accept
from reports.models import ExportStatus, ReportExport
from tests.clients.conftest import answers
from tests.factories import (
    CoordinatorFactory,
    HospitalFactory,
    ManagerFactory,
    OrganisationFactory,
    OrganisationManagerFactory,
    ReferralFactory,
    SchemeFactory,
    VolunteerFactory,
    WardFactory,
    WardStaffFactory,
)
from visits.models import Assignment, AssignmentStatus, CallKind
from visits.services import (
    community_service_save,
    concern_raise,
    contact_log,
    episode_readmit,
    onward_referral_record,
)
from volunteers.models import TrainingCourse
from volunteers.services import dbs_record, reference_record, training_record, volunteer_create

WARD_STAFF, COORDINATOR = Role.WARD_STAFF.value, Role.COORDINATOR.value
VOLUNTEER, MANAGER = Role.VOLUNTEER.value, Role.MANAGER.value
ORGANISATION_MANAGER = Role.ORGANISATION_MANAGER.value

# The patients, each referred from the scheme's ward: the key names their part.
PATIENTS = (
    "supported",  # accepted; the volunteer supports them: assessment, goal, calls, a concern
    "offered",  # accepted; offered to the volunteer, not yet answered
    "waiting",  # a referral still waiting for a decision
    "unmatched",  # accepted; nobody offered yet
    "readmitted",  # accepted, then back in hospital
)
# Names no factory gives: the volunteer record's, the applicant's (a volunteer on the books
# without a sign-in), and the person's asking for an account.
NAMES = {
    "volunteer": ("Vera", "Volunteer"),
    "applicant": ("Abel", "Applicant"),
    "requester": "Wren Waiting",
}


def one_of_everything(*, nhs_base, names=None):
    """A scheme with one record of every kind, and the people who work in it.

    `names`: {patient key (PATIENTS), "volunteer" or "applicant": (given name, family name);
    a role or "requester" (who asked for an account): full name}. Whoever it leaves out has a
    name from the factories, or from NAMES.

    Returns a namespace of the records: `users` ({role: the one person of that role}),
    `referrals` ({patient key: referral}), and each record by its part.
    """
    names = {**NAMES, **(names or {})}
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    # Coordinators may see reports, so the rule that a report file is only for whoever asked
    # for it is put to work.
    scheme = SchemeFactory(
        coordinators_see_reports=True,
        account_request_domains="example.org",
        organisation=OrganisationFactory(),  # its provider, with an organisation manager
    )
    ward = WardFactory(hospital=HospitalFactory(scheme=scheme))

    def named(key):
        return {"full_name": names[key]} if key in names else {}

    users = {
        WARD_STAFF: WardStaffFactory(scheme=scheme, wards=[ward], **named(WARD_STAFF)),
        COORDINATOR: CoordinatorFactory(scheme=scheme, **named(COORDINATOR)),
        # The volunteer's sign-in has the volunteer's name.
        VOLUNTEER: VolunteerFactory(scheme=scheme, full_name=" ".join(names["volunteer"])),
        MANAGER: ManagerFactory(scheme=scheme, **named(MANAGER)),
        ORGANISATION_MANAGER: OrganisationManagerFactory(
            organisation=scheme.organisation, **named(ORGANISATION_MANAGER)
        ),
    }
    coordinator, volunteer_user = users[COORDINATOR], users[VOLUNTEER]

    def refer(number, key):
        person = {}
        if key in names:
            person["given_name"], person["family_name"] = names[key]
        went_home = None if key == "waiting" else yesterday
        return ReferralFactory(
            ward=ward, referred_by=users[WARD_STAFF], **person,
            nhs_number=synthetic_nhs_number(nhs_base + number), actual_discharge_date=went_home,
            expected_discharge_date=went_home or today + datetime.timedelta(days=2),
        )  # fmt: skip

    referrals = {key: refer(number, key) for number, key in enumerate(PATIENTS, start=1)}
    episode, offered_episode, unmatched_episode, readmitted_episode = (
        referral_accept(referral=referrals[key], by=coordinator)[1]
        for key in ("supported", "offered", "unmatched", "readmitted")
    )
    client = episode.client

    consent_record(
        client=client, kind=ConsentKind.SHARE, given=True, decided_on=today,
        obtained_by=coordinator.full_name, by=coordinator,
    )  # fmt: skip
    assessment = assessment_start(client=client, by=coordinator)  # a draft, all answered
    assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
    goal = goal_add(
        client=client, category="confidence", description="Walk to the shop", by=coordinator
    )
    measure_record(
        client=client, instrument="ucla3", timepoint=Timepoint.BASELINE, taken_on=today,
        values={"companionship": 2, "left_out": 2, "isolated": 1}, episode=episode,
        by=coordinator,
    )  # fmt: skip
    episode_readmit(
        episode=readmitted_episode, admitted_on=today, source="ward", reason="", by=coordinator
    )

    given, family = names["volunteer"]
    volunteer = volunteer_create(
        scheme=scheme, by=coordinator, user=volunteer_user, given_name=given,
        family_name=family, postcode="RV1 1AA", skills=Need.objects.filter(code="shopping"),
    )  # fmt: skip
    dbs_record(
        volunteer=volunteer, by=coordinator, level="enhanced_barred",
        certificate_number="001234567890", issued_on=today - datetime.timedelta(days=30),
        recheck_due=today + datetime.timedelta(days=1000),
    )  # fmt: skip
    reference_record(volunteer=volunteer, by=coordinator, referee_name="A Referee",
                     received_on=today)  # fmt: skip
    course = TrainingCourse.objects.create(
        scheme=scheme, name="Safeguarding adults", mandatory=True, valid_for_months=36
    )
    training_record(volunteer=volunteer, course=course, completed_on=today, by=coordinator)
    given, family = names["applicant"]
    applicant = volunteer_create(
        scheme=scheme, by=coordinator, given_name=given, family_name=family, postcode="RV1 1AB",
        email=f"applicant-{scheme.pk}@example.org",
    )  # fmt: skip
    # Supporting one client; offered another, not yet answered.
    Assignment.objects.create(
        episode=episode, volunteer=volunteer, status=AssignmentStatus.ACCEPTED,
        offered_by=coordinator,
    )  # fmt: skip
    offer = Assignment.objects.create(
        episode=offered_episode, volunteer=volunteer, status=AssignmentStatus.OFFERED,
        offered_by=coordinator,
    )  # fmt: skip

    contact_log(
        episode=episode, by=volunteer_user, kind=CallKind.CALL, happened_at=timezone.now(),
        answered=True, duration_minutes=15, notes="All well",
    )  # fmt: skip
    concern = concern_raise(
        episode=episode, by=volunteer_user, category="health", urgency="soon",
        description="More tired than last week",
    )  # fmt: skip
    service = community_service_save(
        scheme=scheme, by=coordinator, name="Ring and Ride", category="transport"
    )
    onward = onward_referral_record(
        episode=episode, service=service, referred_on=today, by=coordinator
    )
    sharing_record(
        by=coordinator, subject=episode, client=client, what="Outcome summary",
        consent=consent_to_share(client=client),
        fields_shared="Name, NHS number", recipient_organisation="The GP practice",
        purpose="To tell the GP", lawful_basis=LawfulBasis.PUBLIC_TASK_HEALTH,
    )  # fmt: skip
    AccessLogEntry.objects.create(
        user=coordinator, subject=client, page="records:client", path=f"/clients/{client.pk}/"
    )
    export = ReportExport.objects.create(
        scheme=scheme, requested_by=users[MANAGER], period_start=today.replace(day=1),
        period_end=today, export_format="csv", status=ExportStatus.READY, progress=100,
        content=b"figures only", filename="report.zip", finished_at=timezone.now(),
    )  # fmt: skip
    # Asked for an account and confirmed the address: waiting for a decision. The address is
    # the scheme's own: a second request from one address would be quietly dropped.
    account_request = account_request_submit(
        scheme=scheme, full_name=names["requester"], email=f"requester-{scheme.pk}@example.org",
        job_title="Staff nurse", workplace="Ward 1", site="http://testserver",
    )  # fmt: skip
    account_request = account_request_receive(account_request_id=account_request.pk)  # worker
    account_request_verify(account_request=account_request)

    return SimpleNamespace(
        today=today, scheme=scheme, ward=ward, users=users, volunteer_user=volunteer_user,
        referrals=referrals, referral=referrals["supported"],
        waiting_referral=referrals["waiting"], client=client, assessment=assessment,
        goal=goal, episode=episode, offered_episode=offered_episode,
        unmatched_episode=unmatched_episode, readmitted_episode=readmitted_episode,
        volunteer=volunteer, applicant=applicant, course=course, offer=offer, concern=concern,
        alert=concern.alerts.get(), service=service, onward=onward, export=export,
        account_request=account_request,
    )  # fmt: skip
