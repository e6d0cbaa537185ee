"""NHS numbers: normalising what people type, and synthetic numbers for demo and test data."""

import nhs_number

from aligns.validators import is_plain_digits

# NHS England will never issue numbers starting 999: safe for synthetic patients.
SYNTHETIC_PREFIX = "999"


def normalise_nhs_number(value):
    """Without the spaces and dashes people type: '999 000 0018' becomes '9990000018'.

    Anything else (a letter, say) is kept, so that validation can refuse it.
    """
    return "".join(character for character in value if not character.isspace() and character != "-")


def is_valid_nhs_number(value):
    """Ten digits whose last is the Modulus 11 check digit of the other nine."""
    digits = normalise_nhs_number(value)
    return len(digits) == 10 and is_plain_digits(digits) and nhs_number.is_valid(digits)


def format_nhs_number(value):
    """The 3-3-4 grouping people read aloud: 999 000 0018."""
    digits = normalise_nhs_number(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else value


def synthetic_nhs_number(seed):
    """A valid NHS number from the never-issued 999 range; distinct seeds give distinct numbers.

    Seed n tries the nine-digit body 999 followed by 2n, then 2n + 1: bodies differing by
    one in the last place have different check digits, so at most one of the two is the
    impossible check digit 10. Seeds from 0 to 499,999 are all distinct.
    """
    for body_number in (2 * seed, 2 * seed + 1):
        body = f"{SYNTHETIC_PREFIX}{body_number % 1_000_000:06d}"
        check = nhs_number.calculate_checksum(body)
        if check is not None and check != 10:
            return f"{body}{check}"
    raise AssertionError("unreachable: one of two neighbouring bodies always has a check digit")
