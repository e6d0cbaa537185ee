from django.db import transaction

from aligns.audit.services import attribute_change
from clients.models import Client

# The referral fields that describe the person, copied to a new client.
PERSON_FIELDS = [
    "nhs_number",
    "nhs_number_verified",
    "given_name",
    "family_name",
    "date_of_birth",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
]


class ClientMismatch(Exception):
    """The NHS number belongs to a client whose date of birth differs: a person must check."""


@transaction.atomic
def client_find_or_create(*, scheme, person, by):
    """The scheme's client with `person`'s NHS number, or a new one made from `person`.

    `person` is any object with PERSON_FIELDS (a referral). A known client keeps their
    record; a different date of birth means one of the two is wrong, so nothing is guessed.
    """
    existing = (
        Client.objects.select_for_update()
        .filter(scheme=scheme, nhs_number=person.nhs_number)
        .first()
    )
    if existing is not None:
        if existing.date_of_birth != person.date_of_birth:
            raise ClientMismatch(
                f"NHS number {existing.nhs_number_display} belongs to a client born on "
                f"{existing.date_of_birth:%-d %B %Y}, but this referral gives "
                f"{person.date_of_birth:%-d %B %Y}. Check both with the ward before accepting."
            )
        return existing, False
    client = Client(scheme=scheme, **{field: getattr(person, field) for field in PERSON_FIELDS})
    attribute_change(client, by=by, reason="Client record opened from a referral")
    client.save()
    return client, True
