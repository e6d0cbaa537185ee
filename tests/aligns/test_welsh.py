"""ALIGNS in Welsh: each person chooses English or Welsh on their account page, and the
public pages offer a switch; the pages marked for translation show no English word that
a translator could not reach (a pseudo-locale wraps every translated string in markers, and
any English word outside them fails the test)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.i18n import unmarked_words, wrap_translations


def test_a_person_who_chooses_welsh_sees_their_pages_in_welsh(client, volunteer):
    client.force_login(volunteer)

    client.post(
        reverse("accounts:account"),
        {"full_name": volunteer.full_name, "phone": "", "preferred_language": "cy"},
    )
    page = client.get(reverse("accounts:account"))

    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "cy"
    html = page.content.decode()
    assert '<html lang="cy">' in html
    assert "Eich cyfrif" in html  # "Your account"
    assert "Allgofnodi" in html  # "Sign out"
    assert page["Content-Language"] == "cy"


def test_a_signed_in_persons_choice_outweighs_what_their_browser_asks_for(client, volunteer):
    client.force_login(volunteer)

    page = client.get(reverse("accounts:account"), HTTP_ACCEPT_LANGUAGE="cy")

    assert '<html lang="en-GB">' in page.content.decode()
    assert "Your account" in page.content.decode()


def test_the_public_pages_switch_to_welsh_and_back(client):
    sign_in = reverse("login")

    english = client.get(sign_in).content.decode()
    switched = client.post(reverse("language"), {"language": "cy", "next": sign_in})
    welsh = client.get(sign_in).content.decode()
    client.post(reverse("language"), {"language": "en-gb", "next": sign_in})
    back = client.get(sign_in).content.decode()

    assert "Cymraeg" in english and '<html lang="en-GB">' in english
    assert switched.status_code == 302 and switched["Location"] == sign_in
    assert '<html lang="cy">' in welsh
    assert "Mewngofnodi" in welsh  # "Sign in"
    assert 'lang="en-GB">English</button>' in welsh
    assert '<html lang="en-GB">' in back


def test_the_switch_sends_nobody_to_another_site(client):
    response = client.post(
        reverse("language"), {"language": "cy", "next": "https://elsewhere.example/"}
    )

    assert response.status_code == 302
    assert not response["Location"].startswith("https://elsewhere")


def test_a_language_that_is_not_offered_changes_nothing(client, volunteer):
    client.force_login(volunteer)

    client.post(reverse("language"), {"language": "fr", "next": "/"})

    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "en-gb"


def test_the_switch_keeps_a_signed_in_persons_choice_on_their_account(client, volunteer):
    client.force_login(volunteer)

    client.post(reverse("language"), {"language": "cy", "next": "/"})

    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "cy"


# --- Every string marked: the pseudo-locale (tests/i18n.py) -----------------------------


@pytest.fixture
def pseudo_locale(monkeypatch):
    wrap_translations(monkeypatch)


PUBLIC_PAGES = [
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "accounts:account_request",
    "accounts:account_request_sent",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_word_of_the_public_sign_in_pages_is_marked_for_translation(
    client, pseudo_locale, name
):
    page = client.get(reverse(name))

    assert page.status_code == 200
    assert unmarked_words(page.content.decode()) == []


def test_every_word_of_the_account_request_forms_errors_is_marked_for_translation(
    client, db, pseudo_locale
):
    page = client.post(reverse("accounts:account_request"), {"email": "someone@nowhere.example"})

    assert "nhsuk-error-summary" in page.content.decode()
    # The address typed is the person's own, not words to translate.
    assert unmarked_words(page.content.decode(), ["someone@nowhere.example"]) == []


def test_every_word_of_the_account_page_is_marked_for_translation(client, db, pseudo_locale):
    person = UserFactory(full_name="Xx", job_title="", phone="", email="x@x.xx")
    client.force_login(person)

    page = client.get(reverse("accounts:account"))

    # The person's own details and their scheme's name are theirs, not words to translate.
    data = (person.full_name, person.email, person.scheme.name)
    assert unmarked_words(page.content.decode(), data) == []
