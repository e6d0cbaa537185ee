import pytest
from django.core.exceptions import ValidationError

from aligns.validators import normalise_uk_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900982", "07700 900982"),
        ("+447700900982", "07700 900982"),
        ("01632960001", "01632 960001"),
        ("020 7946 0000", "020 7946 0000"),
        ("+1 202 555 0143", "+1 202-555-0143"),
    ],
)
def test_it_accepts_uk_and_international_numbers_in_their_standard_form(typed, stored):
    assert normalise_uk_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "0800 123", "077009009821", "not a number", "+44"])
def test_it_refuses_numbers_with_digits_missing_or_extra(typed):
    with pytest.raises(ValidationError, match="Enter a phone number"):
        normalise_uk_phone(typed)


def test_synthetic_nhs_numbers_are_valid_distinct_and_never_issued():
    from aligns.nhs import is_valid_nhs_number, synthetic_nhs_number

    numbers = [synthetic_nhs_number(seed) for seed in range(3000)]

    assert len(set(numbers)) == len(numbers)
    assert all(number.startswith("999") and is_valid_nhs_number(number) for number in numbers)
