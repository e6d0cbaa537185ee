"""The coordinator's volunteer pages sent back with their errors, in the pseudo-locale
(tests/i18n.py): every word a coordinator reads there can be translated. The access
matrix's world shows each form only as it first opens (tests/aligns/test_every_page_marked.py).
"""

import pytest
from django.urls import reverse

from aligns.accounts.models import Role
from tests.i18n import data_words, unmarked_words, wrap_translations


@pytest.fixture
def sent_back(client, coordinator, monkeypatch):
    """sent_back(url, data): the page `url` answers `data` with (a form with its errors), as
    (the English words outside the markers, the page)."""
    client.force_login(coordinator)
    wrap_translations(monkeypatch)

    def sent_back(url, data):
        known = data_words() + [value for value in data.values() if isinstance(value, str)]
        response = client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "⟦Error:⟧" in page
        return unmarked_words(page, known), page

    return sent_back


def test_the_volunteer_pipelines_forms_with_their_errors_are_marked(
    sent_back, make_volunteer, make_user
):
    volunteer = make_volunteer(given_name="Winnie")
    make_user(Role.COORDINATOR, email="taken@example.org")

    def url(name):
        return reverse(f"volunteers:{name}", args=[volunteer.pk])

    forms = {
        reverse("volunteers:new"): {"phone": "12", "postcode": "nowhere", "availability": []},
        url("edit"): {"given_name": "", "availability": ["Monday morning"]},
        url("stage"): {"stage": "left", "reason": ""},
        url("dbs"): {
            "level": "",
            "certificate_number": "12",
            "issued_on_day": "1", "issued_on_month": "1", "issued_on_year": "2026",
            "recheck_due_day": "1", "recheck_due_month": "1", "recheck_due_year": "2025",
        },
        url("reference"): {"referee_name": "", "received_on_day": "32"},
        url("training"): {"course": ""},
        url("invite"): {"email": "taken@example.org"},
    }  # fmt: skip
    pages = {}
    for address, data in forms.items():
        words, pages[address] = sent_back(address, data)
        assert words == [], address

    assert "⟦Enter a phone number, like" in pages[reverse("volunteers:new")]
    assert "⟦Recheck due must be after the date of issue⟧" in pages[url("dbs")]
    assert "⟦An account already uses this email address" in pages[url("invite")]

    _, stage_page = sent_back(url("stage"), {"stage": "left", "reason": ""})
    assert "⟦Say why the volunteer is leaving⟧" in stage_page
    _, edit_page = sent_back(url("edit"), {"given_name": ""})
    assert "⟦⟦Monday⟧ ⟦morning⟧⟧" in edit_page
