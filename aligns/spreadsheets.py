"""Cells that are safe in a spreadsheet, for every CSV and XLSX file ALIGNS writes.

A text cell that begins with =, +, -, @, a tab or a carriage return is prefixed with an
apostrophe, so no spreadsheet will ever run it as a formula. Numbers need no such guard.
"""

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value that no spreadsheet will treat as a formula. Words to be translated
    (a label of a choice, say) become text in the language in use."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_safe(value):
    """Neutralised, and without the control characters an XLSX file cannot hold."""
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
