"""Retention: once a client's last support ended longer ago than the scheme keeps personal
data, their personal details are removed from the live tables *and* their history rows.

What reports count is kept: the rows themselves, dates of support, statuses, outcomes,
categories, scores, gender and ethnic category, the postcode district and the year of birth
(so an age band can move by at most a year). Names, NHS numbers, addresses, phone numbers,
next of kin, and every free-text note are removed. Updates go straight to the database, so
no new history row records the old values.
"""

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Case, CharField, Max, Q, Value, When
from django.db.models.functions import Cast, Concat, Left, StrIndex, TruncYear
from django.utils import timezone

from aligns.accounts.models import Scheme
from clients.models import PERSON_FIELDS, Client, ConsentRecord, Goal, RiskAssessment
from referrals.models import Referral
from visits.models import (
    OPEN_EPISODE_STATUSES,
    Alert,
    Concern,
    Contact,
    Extension,
    Readmission,
    SupportEpisode,
)

REMOVED = "(removed after the retention period)"

_DISTRICT = Case(
    When(postcode__contains=" ", then=Left("postcode", StrIndex("postcode", Value(" ")) - 1)),
    default=Value(""),
    output_field=CharField(),
)
# Of a person's fields (clients.models.Person), the reports keep these as they are.
KEPT_FOR_REPORTS = {"language", "interpreter_needed"}


def _pseudonym(prefix):
    """Not an NHS number (it starts with a letter), and unique: the row's own id."""
    return Concat(Value(prefix), Cast("id", CharField()), output_field=CharField())


def _person(*, family_name, prefix):
    """What each of a person's fields becomes: a placeholder name, a pseudonym for the NHS
    number, the postcode district, the year of birth; every other field is emptied, unless
    the reports keep it. A field added to Person is emptied too, until someone decides."""
    replaced = {
        "given_name": "Former",
        "family_name": family_name,
        "nhs_number": _pseudonym(prefix),
        "nhs_number_verified": False,
        "postcode": _DISTRICT,
        "date_of_birth": TruncYear("date_of_birth"),
    }
    return {name: replaced.get(name, "") for name in PERSON_FIELDS if name not in KEPT_FOR_REPORTS}


def expired_clients(today=None):
    """Clients not yet anonymised whose last episode closed before their scheme's cut-off,
    with none still open."""
    today = today or timezone.localdate()
    past = Q(pk__in=[])
    for scheme in Scheme.objects.all():
        cutoff = today - relativedelta(years=scheme.retention_years)
        past |= Q(scheme=scheme, last_closed__lt=cutoff)
    return (
        Client.objects.filter(anonymised_at__isnull=True)
        .exclude(support_episodes__status__in=OPEN_EPISODE_STATUSES)
        .annotate(last_closed=Max("support_episodes__closed_on"))
        .filter(past)
        .select_related("scheme")
        .order_by("pk")
    )


def _scrub(model, rows, **values):
    """Overwrite `values` in the live rows and in every history row of the same records."""
    ids = list(rows.values_list("pk", flat=True))
    model.objects.filter(pk__in=ids).update(**values)
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(id__in=ids).update(**values)
    return len(ids)


def anonymise(clients):
    """Remove personal details of `clients` (a queryset); returns how many."""
    client_ids = list(clients.values_list("pk", flat=True))
    if not client_ids:
        return 0
    with transaction.atomic():
        # Their referrals: those that became support, and any others under the same NHS
        # number in the same scheme (declined or withdrawn ones).
        same_person = Q(support_episode__client_id__in=client_ids)
        for scheme_id, nhs_number in Client.objects.filter(pk__in=client_ids).values_list(
            "scheme_id", "nhs_number"
        ):
            same_person |= Q(scheme_id=scheme_id, nhs_number=nhs_number)
        referrals = Referral.objects.filter(same_person)
        _scrub(
            Referral, referrals, **_person(family_name="patient", prefix="R"), risk_notes="",
            decline_note="", withdrawn_reason="", consent_obtained_by=REMOVED,
        )  # fmt: skip
        episodes = SupportEpisode.objects.filter(client_id__in=client_ids)
        _scrub(Contact, Contact.objects.filter(episode__in=episodes), notes="")
        _scrub(Concern, Concern.objects.filter(episode__in=episodes), description=REMOVED,
               action_taken="")  # fmt: skip
        _scrub(Readmission, Readmission.objects.filter(episode__in=episodes), reason="")
        _scrub(Extension, Extension.objects.filter(episode__in=episodes), reason=REMOVED)
        Alert.objects.filter(episode__in=episodes).update(message=REMOVED)
        _scrub(Goal, Goal.objects.filter(client_id__in=client_ids), description=REMOVED)
        _scrub(RiskAssessment, RiskAssessment.objects.filter(client_id__in=client_ids),
               answers={}, level_reason="")  # fmt: skip
        _scrub(ConsentRecord, ConsentRecord.objects.filter(client_id__in=client_ids),
               note="", obtained_by=REMOVED)  # fmt: skip
        _scrub(
            Client, Client.objects.filter(pk__in=client_ids),
            **_person(family_name="client", prefix="X"), gp_practice="", pets="",
            ward_risk_notes="", access_notes="", reassessment_required_reason="",
            preferred_volunteer_language="",
        )  # fmt: skip
        Client.objects.filter(pk__in=client_ids).update(anonymised_at=timezone.now())
    return len(client_ids)
