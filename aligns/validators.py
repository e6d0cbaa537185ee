"""Checks on values people type, shared by every form that asks for them."""

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def _acceptable(number):
    """A number in use, or a full-length UK number in a range not yet allocated.

    Ofcom's ranges for fiction (07700 900xxx, 01632 960xxx) are "not valid" to
    libphonenumber, but synthetic demo and test data must use them, and a new range
    may be allocated before the library knows of it. The length check still catches
    the usual slips: a missing or extra digit.
    """
    if phonenumbers.is_valid_number(number):
        return True
    national = phonenumbers.national_significant_number(number)
    return number.country_code == 44 and len(national) == 10 and national[0] in "123578"


def normalise_uk_phone(value):
    """Return a UK (or international, with +) phone number in its standard written form.

    Raises ValidationError with a message a person can act on.
    """
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not _acceptable(number):
        raise ValidationError(
            gettext("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
            code="invalid_phone",
        )
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def is_plain_digits(value):
    """Only the digits 0 to 9. ``str.isdigit()`` alone also passes "²" and other scripts'
    digits ("٣"), which ``int()`` refuses or reads differently from what a person meant."""
    return value.isascii() and value.isdigit()


def validate_plain_line(value):
    """One line of plain words, for what a stranger types on a public page that the service
    then puts in an email: no line breaks (which could lay out a message of their own) and no
    web addresses (which would arrive as the service's own links)."""
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in value):
        raise ValidationError("Write it on one line, without line breaks", code="not_one_line")
    if "://" in value or "www." in value.lower():
        raise ValidationError("Leave out web addresses", code="web_address")
