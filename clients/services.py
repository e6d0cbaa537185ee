"""Everything that changes a client's record, consent, assessments, goals or measures."""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from simple_history.utils import bulk_create_with_history

from aligns.accounts.models import Role
from aligns.audit.services import attribute_change
from aligns.audit.sharing import ShareConsent
from aligns.errors import ActionRefused
from aligns.transitions import move
from clients.assessment import LEVEL_ORDER, QUESTIONS, RiskLevel
from clients.instruments import INSTRUMENTS
from clients.models import (
    ASSESSMENT_TRANSITIONS,
    IN_FORCE_STATUSES,
    PERSON_FIELDS,
    AssessmentStatus,
    Client,
    ConsentKind,
    ConsentRecord,
    Goal,
    OutcomeAnswer,
    OutcomeMeasure,
    RiskAssessment,
)
from clients.outcomes import ends_paired, scored


class ClientActionRefused(ActionRefused):
    """A change that cannot be made; the message says why, for the person who tried."""


class ClientMismatch(ClientActionRefused):
    """The NHS number belongs to a client whose date of birth differs: a person must check."""


def client_find_or_create(*, scheme, person, by):
    """The scheme's client with `person`'s NHS number, or a new one made from `person`.

    `person` is a referral. A known client keeps their record; a different date of birth
    means one of the two is wrong, so nothing is guessed. A new client's consent comes from
    what the ward recorded on the referral.
    """
    with transaction.atomic():
        existing = (
            Client.objects.select_for_update(of=("self",))
            .filter(scheme=scheme, nhs_number=person.nhs_number)
            .first()
        )
        if existing is not None:
            if existing.date_of_birth != person.date_of_birth:
                raise ClientMismatch(
                    gettext(
                        "NHS number %(number)s belongs to a client born on %(born)s, but this "
                        "referral gives %(given)s. Check both with the ward before accepting."
                    )
                    % {
                        "number": existing.nhs_number_display,
                        "born": date_format(existing.date_of_birth, "j F Y"),
                        "given": date_format(person.date_of_birth, "j F Y"),
                    }
                )
            _take_the_wards_risks(existing, person, by=by)
            return existing
        client = Client(scheme=scheme, **{field: getattr(person, field) for field in PERSON_FIELDS})
        attribute_change(client, by=by, reason=gettext_noop("Client record opened from a referral"))
        client.save()
        _take_the_wards_risks(client, person, by=by)
        # What the ward asked, as it asked it. Consent to share with NHS partners is recorded only
        # if the ward asked that question; otherwise the coordinator asks it.
        asked = [
            (ConsentKind.SUPPORT, person.consent_to_referral),
            (ConsentKind.HOLD, person.consent_to_hold),
        ]
        if person.consent_to_share_with_nhs:
            asked.append((ConsentKind.SHARE, True))
        for kind, given in asked:
            consent_record(
                client=client,
                kind=kind,
                given=given,
                decided_on=person.consent_obtained_on,
                obtained_by=person.consent_obtained_by,
                # In English, as the records are written (a note, not a page's words).
                note="Recorded on the ward's referral",
                by=by,
            )
        return client


def _take_the_wards_risks(client, person, *, by):
    """The risks the ward noted on this referral (`person`), for the risk assessment to start
    from: the latest referral's, as the latest the ward knew."""
    client.ward_risks.set(person.risks.all())
    if client.ward_risk_notes != person.risk_notes:
        client_update(client=client, by=by, ward_risk_notes=person.risk_notes)


def client_update(*, client, by, **fields):
    with transaction.atomic():
        for name, value in fields.items():
            setattr(client, name, value)
        attribute_change(client, by=by, reason=gettext_noop("Client details changed"))
        client.save()
        return client


def consent_record(*, client, kind, given, decided_on, obtained_by, note="", by):
    """Record consent given or withdrawn; the newest record of each kind is what counts."""
    with transaction.atomic():
        record = ConsentRecord(
            client=client,
            kind=kind,
            given=given,
            decided_on=decided_on,
            obtained_by=obtained_by,
            note=note,
            recorded_by=by,
        )
        reason = gettext_noop("Consent given") if given else gettext_noop("Consent withdrawn")
        attribute_change(record, by=by, reason=reason)
        record.save()
        return record


def consent_current(client, kind):
    """The record that counts for `kind` now, or None if none was ever recorded."""
    return client.consents.filter(kind=kind).order_by("-decided_on", "-recorded_at", "-pk").first()


def consent_to_share(*, client=None, referral=None):
    """The one consent rule for sharing with NHS partners, as a ShareConsent: the client's
    latest consent to share; for a referral not yet a client, what the ward recorded on it."""
    if client is not None:
        record = consent_current(client, ConsentKind.SHARE)
        if record is None:
            return _share_consent(
                None,
                False,
                gettext_noop("Consent to share with NHS partners has not been asked yet"),
            )
        if record.given:
            said = gettext_noop("Client gave consent to share on %(date)s")
        else:
            said = gettext_noop("Client withdrew consent to share on %(date)s")
        return _share_consent(record, record.given, said, date=record.decided_on)
    given = bool(referral and referral.consent_to_share_with_nhs)
    if given:
        return _share_consent(
            None,
            True,
            gettext_noop("Patient gave consent to share with NHS partners on the ward's referral"),
        )
    return _share_consent(
        None,
        False,
        gettext_noop("Consent to share with NHS partners was not given on the ward's referral"),
    )


def _share_consent(record, given, said, *, date=None):
    """The sentence in English for the sharing log (as every entry has been written), and in
    the reader's language for the page."""
    english = said % {"date": f"{date:%-d %B %Y}"} if date else said
    shown = gettext(said) % {"date": date_format(date, "j F Y")} if date else gettext(said)
    return ShareConsent(record, given, english, shown)


# --- Risk assessment ---------------------------------------------------------------------


def assessment_in_force(client):
    """The newest assessment signed off at least once: it governs what volunteers may do."""
    return (
        client.assessments.filter(status__in=IN_FORCE_STATUSES)
        .select_related("signed_off_by")
        .order_by("-signed_off_at", "-pk")
        .first()
    )


_NOT_READ = object()

# Lowering the level the answers give needs a reason (only medium and high can be lowered).
LOWERED_WITHOUT_A_REASON = {
    RiskLevel.MEDIUM: gettext_lazy("The answers make this medium risk. To lower it, say why."),
    RiskLevel.HIGH: gettext_lazy("The answers make this high risk. To lower it, say why."),
}


def home_visit_refusal(client, in_force=_NOT_READ):
    """Why a volunteer may not visit this client at home yet, or None if they may.

    The gate for every service that plans or logs a home visit, for the reminder of one, and
    for showing a planned visit as on hold. Phone calls are always allowed, so nothing stops
    a call. `in_force`: the assessment in force, when the caller has read it already.
    """
    if client.reassessment_required_reason:
        return gettext("A new risk assessment is required before any home visit: %(reason)s") % {
            "reason": client.reassessment_required_reason
        }
    assessment = assessment_in_force(client) if in_force is _NOT_READ else in_force
    if assessment is None:
        return gettext(
            "No home visit until a coordinator signs off a risk assessment. Phone calls only."
        )
    if assessment.status == AssessmentStatus.AWAITING_SECOND_SIGN_OFF:
        return gettext(
            "High risk: phone support only until a second coordinator or a manager "
            "signs off the assessment."
        )
    return None


_move = partial(
    move,
    table=ASSESSMENT_TRANSITIONS,
    refused=ClientActionRefused,
    # Translators: {current} and {target} are an assessment's statuses, in lower case.
    message=gettext_lazy("This assessment is {current}, so it cannot be {target}."),
)


def assessment_start(*, client, by):
    """A new draft. A reassessment starts from the answers in force, to be checked again."""
    with transaction.atomic():
        # Two clicks at once make one draft.
        Client.objects.select_for_update(of=("self",)).get(pk=client.pk)
        existing = client.assessments.filter(status=AssessmentStatus.DRAFT).first()
        if existing is not None:
            return existing
        previous = assessment_in_force(client)
        assessment = RiskAssessment(
            client=client, created_by=by, answers=dict(previous.answers) if previous else {}
        )
        attribute_change(assessment, by=by, reason=gettext_noop("Assessment started"))
        assessment.save()
        return assessment


def assessment_save_answers(*, assessment, answers, by):
    """Store the answers of a draft ({code: {"answer": value, "note": text}})."""
    with transaction.atomic():
        assessment = RiskAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.DRAFT:
            raise ClientActionRefused(
                gettext("This assessment has been signed off, so its answers are final.")
            )
        unknown = set(answers) - set(QUESTIONS)
        if unknown:
            raise ClientActionRefused(
                gettext("Unknown questions: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
            )
        assessment.answers = answers
        attribute_change(assessment, by=by, reason=gettext_noop("Answers saved"))
        assessment.save()
        return assessment


def assessment_sign_off(*, assessment, level, reason, by):
    """Sign off with the final level: the computed one, raised, or lowered with a reason.

    A high-risk assessment then waits for a second sign-off before any home visit.
    """
    with transaction.atomic():
        assessment = RiskAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
        if by.role != Role.COORDINATOR:
            raise ClientActionRefused(gettext("Only a coordinator can sign off an assessment."))
        missing = [code for code in QUESTIONS if not assessment.answered(code)]
        if missing:
            raise ClientActionRefused(gettext("Answer every question before signing off."))
        computed = assessment.computed_level
        if LEVEL_ORDER[RiskLevel(level)] < LEVEL_ORDER[computed] and not reason.strip():
            raise ClientActionRefused(LOWERED_WITHOUT_A_REASON[computed])
        next_status = (
            AssessmentStatus.AWAITING_SECOND_SIGN_OFF
            if level == RiskLevel.HIGH
            else AssessmentStatus.SIGNED_OFF
        )
        _move(assessment, next_status, by=by, reason=gettext_noop("Signed off"))
        assessment.level = level
        assessment.level_reason = reason.strip()
        assessment.signed_off_by = by
        assessment.signed_off_at = timezone.now()
        assessment.save()
        client = assessment.client
        if client.reassessment_required_reason:
            client_update(client=client, by=by, reassessment_required_reason="")
        return assessment


def assessment_second_sign_off(*, assessment, by):
    """A different coordinator, or a manager, confirms a high-risk assessment."""
    with transaction.atomic():
        assessment = RiskAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
        if by.role not in (Role.COORDINATOR, Role.MANAGER):
            raise ClientActionRefused(
                gettext("Only a coordinator or a manager can give the second sign-off.")
            )
        if by.pk == assessment.signed_off_by_id:
            raise ClientActionRefused(
                gettext(
                    "The second sign-off must be by someone other than the coordinator who signed "
                    "it off."
                )
            )
        _move(
            assessment, AssessmentStatus.SIGNED_OFF, by=by, reason=gettext_noop("Second sign-off")
        )
        assessment.second_signed_off_by = by
        assessment.second_signed_off_at = timezone.now()
        assessment.save()
        return assessment


def client_require_reassessment(*, client, reason, by):
    """After a concern or a readmission: no home visit until a new assessment is signed off."""
    with transaction.atomic():
        if not reason.strip():
            raise ClientActionRefused(gettext("Say why a new assessment is needed."))
        return client_update(client=client, by=by, reassessment_required_reason=reason.strip())


# --- Goals and outcome measures ----------------------------------------------------------

OUTCOME_MEASURE_RECORDED = gettext_noop("Outcome measure recorded")


def goal_add(*, client, category, description, by):
    with transaction.atomic():
        goal = Goal(client=client, category=category, description=description, set_by=by)
        attribute_change(goal, by=by, reason=gettext_noop("Goal set"))
        goal.save()
        return goal


def goal_review(*, goal, outcome, by):
    with transaction.atomic():
        goal.outcome = outcome
        goal.reviewed_by = by
        goal.reviewed_at = timezone.now()
        attribute_change(goal, by=by, reason=gettext_noop("Goal reviewed"))
        goal.save()
        return goal


def measure_record(*, client, instrument, timepoint, taken_on, values, by, episode=None):
    """Record an instrument's answers ({item code: integer or None for missing})."""
    with transaction.atomic():
        # A baseline and an end of the same client recorded at once would each pair the ends
        # before the other's row is committed, leaving the end unpaired: the client's row lock
        # makes the second wait for the first and pair with its measure.
        Client.objects.select_for_update(of=("self",)).get(pk=client.pk)
        definition = INSTRUMENTS[instrument]
        for item in definition.items:
            value = values.get(item.code)
            if value is not None and value not in {choice for choice, _ in item.choices}:
                raise ClientActionRefused(
                    gettext("%(value)s is not an answer to '%(item)s'.")
                    % {"value": value, "item": item.text}
                )
        measure = OutcomeMeasure(
            client=client,
            episode=episode,
            instrument=definition.code,
            instrument_version=definition.version,
            timepoint=timepoint,
            taken_on=taken_on,
            recorded_by=by,
            scores=scored(definition, values),
        )
        attribute_change(measure, by=by, reason=OUTCOME_MEASURE_RECORDED)
        measure.save()
        bulk_create_with_history(
            [
                OutcomeAnswer(measure=measure, item=item.code, value=values.get(item.code))
                for item in definition.items
            ],
            OutcomeAnswer,
            default_user=by,
            default_change_reason=OUTCOME_MEASURE_RECORDED,
        )
        # An end is paired with its baseline; a baseline (entered late, say) may become the
        # one an end of this client's is compared with.
        ends_paired(OutcomeMeasure.objects.filter(client=client, instrument=definition.code))
        measure.refresh_from_db(fields=["baseline"])
        return measure
