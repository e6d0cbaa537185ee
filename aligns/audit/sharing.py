"""Sharing information with NHS partners: one log for every share.

Whatever is shared (an outcome summary, a referral as FHIR, a concern escalated), it goes
through `sharing_record`, with what consent allows worked out by the one consent rule
(`clients.services.consent_to_share`). It refuses when consent to share was not given unless
the person sharing records a safeguarding or vital-interests reason. That entry is flagged
as an override for the manager's review.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext

from aligns.audit.models import LawfulBasis, SharingLogEntry
from aligns.errors import ActionRefused


class SharingRefused(ActionRefused):
    """Sharing that consent does not allow, without an override reason."""


@dataclass(frozen=True)
class ShareConsent:
    """What consent allows for one share: the consent record that counts (if any), whether
    sharing is consented to, and a sentence saying so: `summary` for the log (in English, as
    the log has always been written), `shown` for the page, in the reader's language."""

    record: object
    given: bool
    summary: str
    shown: str = ""

    @property
    def said(self):
        """The sentence for the person sharing: in their language where there is one."""
        return self.shown or self.summary


@transaction.atomic
def sharing_record(
    *, by, subject, consent, what, fields_shared, recipient_organisation, purpose,
    lawful_basis, client=None, recipient_person="", override_reason="",
):  # fmt: skip
    """Log one share, or refuse it. `consent` is a ShareConsent. Returns the log entry."""
    override_reason = (override_reason or "").strip()
    if not consent.given:
        if not override_reason:
            raise SharingRefused(
                gettext(
                    "%(consent)s. To share anyway, give the safeguarding or vital-interests reason."
                )
                % {"consent": consent.said}
            )
        if lawful_basis == LawfulBasis.CONSENT:
            raise SharingRefused(
                gettext("Consent cannot be the lawful basis: it has not been given.")
            )
    if not recipient_organisation.strip():
        raise SharingRefused(gettext("Say which organisation the information is shared with."))
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
        consent=consent.record,
        consent_summary=consent.summary,
        is_override=not consent.given,
        override_reason=override_reason if not consent.given else "",
    )
