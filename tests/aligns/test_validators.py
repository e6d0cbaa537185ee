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


def test_an_nhs_number_in_another_scripts_digits_is_not_valid():
    from aligns.nhs import is_valid_nhs_number

    # 999 000 0018 in Arabic-Indic digits: str.isdigit() is true of each of them.
    arabic_indic = "".join(chr(0x0660 + int(digit)) for digit in "9990000018")

    assert is_valid_nhs_number("9990000018")
    assert not is_valid_nhs_number(arabic_indic)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Ann\n\nYour password expires today", "without line breaks"),
        ("Ann\u2028Smith", "without line breaks"),
        ("Ann see https://example.org", "Leave out web addresses"),
        ("Ann at WWW.example.org", "Leave out web addresses"),
    ],
)
def test_a_request_for_an_account_refuses_a_name_that_would_write_its_own_email(db, typed, message):
    from aligns.accounts.forms import AccountRequestForm
    from tests.factories import SchemeFactory

    scheme = SchemeFactory(account_request_domains="nhs.net")
    form = AccountRequestForm(
        {
            "full_name": typed,
            "email": "ann.smith@nhs.net",
            "job_title": "Staff nurse",
            "scheme": str(scheme.pk),
            "workplace": "Ward 7",
        }
    )

    assert not form.is_valid()
    assert message in form.errors["full_name"][0]
    assert set(form.errors) == {"full_name"}


def test_an_ordinary_name_with_accents_and_apostrophes_is_one_plain_line():
    from aligns.validators import validate_plain_line

    validate_plain_line("Siobhán O'Neill-Ó Dálaigh")  # raises if refused


def _modulus_11(body):
    """The check digit of a nine-digit body, worked out here as the NHS data dictionary gives
    it (weights 10 down to 2; 11 - remainder; 11 becomes 0; 10 means no valid number)."""
    remainder = sum(int(digit) * (10 - place) for place, digit in enumerate(body)) % 11
    return 0 if remainder == 0 else 11 - remainder


def test_a_synthetic_number_is_the_body_2n_or_if_that_cannot_be_valid_2n_plus_1():
    from aligns.nhs import synthetic_nhs_number

    for seed in range(0, 3000, 7):
        for body in (f"999{2 * seed:06d}", f"999{2 * seed + 1:06d}"):
            if _modulus_11(body) != 10:
                assert synthetic_nhs_number(seed) == f"{body}{_modulus_11(body)}", seed
                break


def test_a_synthetic_number_has_ten_digits_whatever_the_seed():
    from aligns.nhs import is_valid_nhs_number, synthetic_nhs_number

    for seed in (499_999, 500_000, 1_234_567):
        number = synthetic_nhs_number(seed)
        assert len(number) == 10 and is_valid_nhs_number(number), seed


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("9990000018", "999 000 0018"),
        ("999-000-0018", "999 000 0018"),
        (" 999 0000018 ", "999 000 0018"),
        ("12345", "12345"),  # not ten digits: shown as typed, for the form to refuse
        ("99900000181", "99900000181"),
    ],
)
def test_nhs_numbers_are_shown_in_3_3_4_groups_and_anything_else_as_typed(typed, shown):
    from aligns.nhs import format_nhs_number

    assert format_nhs_number(typed) == shown
