"""A referral as a FHIR R4 Bundle shaped to UK Core: a Patient and a ServiceRequest.

Only what the referral holds is sent: the patient's identity, address and phone, and the
request with its needs and expected discharge. Nothing of the scheme's own notes.
"""

import uuid

from django.utils import timezone
from django.utils.translation import gettext_noop

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
VERIFICATION_EXTENSION = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
VERIFICATION_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
VERIFIED = ("01", "Number present and verified")
NOT_TRACED = ("02", "Number present but not traced")
SNOMED = "http://snomed.info/sct"
PATIENT_REFERRAL = ("3457005", "Patient referral")
PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-{}"

# FHIR ServiceRequest.status for each referral status.
REQUEST_STATUS = {
    "submitted": "active",
    "accepted": "active",
    "declined": "revoked",
    "withdrawn": "revoked",
}

# What the bundle holds, for the sharing page and its log (translated where shown).
FIELDS_SHARED = gettext_noop(
    "Patient: NHS number and its verification status, name, date of birth, address, phone. "
    "ServiceRequest: status, date of referral, referrer, needs, expected discharge date."
)


def _coding(system, code_and_display):
    code, display = code_and_display
    return {"system": system, "code": code, "display": display}


def _patient(referral):
    verification = VERIFIED if referral.nhs_number_verified else NOT_TRACED
    lines = [line for line in (referral.address_line_1, referral.address_line_2) if line]
    patient = {
        "resourceType": "Patient",
        "meta": {"profile": [PROFILE.format("Patient")]},
        "identifier": [
            {
                "system": NHS_NUMBER_SYSTEM,
                "value": referral.nhs_number,
                "extension": [
                    {
                        "url": VERIFICATION_EXTENSION,
                        "valueCodeableConcept": {
                            "coding": [_coding(VERIFICATION_SYSTEM, verification)]
                        },
                    }
                ],
            }
        ],
        "name": [{"use": "official", "family": referral.family_name,
                  "given": [referral.given_name]}],
        "birthDate": referral.date_of_birth.isoformat(),
        "address": [{"use": "home", "line": lines, "city": referral.town,
                     "postalCode": referral.postcode}],
    }  # fmt: skip
    if referral.phone:
        patient["telecom"] = [{"system": "phone", "value": referral.phone, "use": "home"}]
    return patient


def _service_request(referral, patient_url):
    needs = ", ".join(need.label for need in referral.needs.all())
    return {
        "resourceType": "ServiceRequest",
        "meta": {"profile": [PROFILE.format("ServiceRequest")]},
        "identifier": [
            {"system": f"urn:aligns:{referral.scheme.slug}:referral", "value": str(referral.pk)}
        ],
        "status": REQUEST_STATUS[referral.status],
        "intent": "plan",
        "category": [{"coding": [_coding(SNOMED, PATIENT_REFERRAL)]}],
        "code": {"text": "Volunteer support at home after hospital discharge"},
        "subject": {"reference": patient_url},
        "authoredOn": timezone.localtime(referral.submitted_at).isoformat(),
        "requester": {
            "display": f"{referral.referrer_name} ({referral.referrer_role}), "
            f"{referral.ward.name}, {referral.hospital.name}"
        },
        "occurrencePeriod": {"start": referral.discharge_date.isoformat()},
        "note": [{"text": f"Needs: {needs}"}] if needs else [],
    }


def referral_bundle(referral):
    """The FHIR R4 Bundle (type collection) for one referral, as a dict ready for JSON."""
    patient_url = f"urn:uuid:{uuid.uuid4()}"
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": timezone.now().isoformat()},
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {"fullUrl": patient_url, "resource": _patient(referral)},
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": _service_request(referral, patient_url),
            },
        ],
    }
