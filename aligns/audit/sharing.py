"""Sharing information with NHS partners: one rule for consent, one log for every share.

Whatever is shared (an outcome summary, a referral as FHIR, a concern escalated), it goes
through `sharing_record`, which refuses when the client has withdrawn consent to share unless
the person sharing records a safeguarding or vital-interests reason. That entry is flagged
as an override for the manager's review.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from aligns.audit.models import LawfulBasis, SharingLogEntry
from aligns.pages import ActionRefused


class SharingRefused(ActionRefused):
    """Sharing that consent does not allow, without an override reason."""


def consent_to_share(*, client=None, referral=None):
    """(consent record or None, whether sharing is consented to, a sentence saying so)."""
    if client is not None:
        from clients.models import ConsentKind
        from clients.services import consent_current

        record = consent_current(client, ConsentKind.SHARE)
        if record is None:
            return None, False, "No consent to share has been recorded"
        verb = "gave" if record.given else "withdrew"
        return (
            record,
            record.given,
            f"Client {verb} consent to share on {record.decided_on:%-d %B %Y}",
        )
    given = bool(referral and referral.consent_to_share)
    state = "gave" if given else "did not give"
    return None, given, f"Patient {state} consent to share on the ward's referral"


@transaction.atomic
def sharing_record(
    *, by, subject, what, fields_shared, recipient_organisation, purpose, lawful_basis,
    client=None, referral=None, recipient_person="", override_reason="",
):  # fmt: skip
    """Log one share, or refuse it. Returns the log entry."""
    consent, given, summary = consent_to_share(client=client, referral=referral)
    override_reason = (override_reason or "").strip()
    if not given:
        if not override_reason:
            raise SharingRefused(
                f"{summary}. To share anyway, give the safeguarding or vital-interests reason."
            )
        if lawful_basis == LawfulBasis.CONSENT:
            raise SharingRefused("Consent cannot be the lawful basis: it has not been given.")
    if not recipient_organisation.strip():
        raise SharingRefused("Say which organisation the information is shared with.")
    return SharingLogEntry.objects.create(
        shared_by=by,
        scheme_id=subject.scheme_id,
        client=client,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        what=what,
        fields_shared=fields_shared,
        recipient_organisation=recipient_organisation.strip(),
        recipient_person=recipient_person.strip(),
        purpose=purpose.strip(),
        lawful_basis=lawful_basis,
        consent=consent,
        consent_summary=summary,
        is_override=not given,
        override_reason=override_reason if not given else "",
    )
