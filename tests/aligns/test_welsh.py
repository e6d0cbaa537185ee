"""ALIGNS in Welsh: each person chooses English or Welsh on their account page, and the
public pages offer a switch; the pages marked for translation show no English word that
a translator could not reach (a pseudo-locale wraps every translated string in markers, and
any English word outside them fails the test)."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from aligns.accounts.emails import email_invitation
from aligns.accounts.models import Role
from aligns.outbox.services import deliver
from clients.assessment import RiskLevel
from clients.services import assessment_save_answers, assessment_sign_off, assessment_start
from tests.aligns.test_access_matrix import (
    ACCESS,
    OURS,
    VOLUNTEER,
    worlds,  # noqa: F401 (the fixture)
)
from tests.clients.conftest import answers
from tests.visits.conftest import make_active_episode, supporting  # noqa: F401 (a fixture)


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


# Every word of every page marked for translation, the public pages included:
# tests/aligns/test_every_page_marked.py.


# --- The volunteer's pages, all in Welsh -------------------------------------------------

# Words the same in English and in Welsh: looked up, and rightly given back unchanged. (":" is
# Django's label suffix, which every form looks up and the NHS.UK templates do not show.)
SAME_IN_WELSH = {":"}


def untranslated(monkeypatch):
    """From now on, every string looked up in Welsh that comes back in English is recorded
    (its msgid), in the list returned: a page using it shows English to a Welsh reader."""
    found = []
    trans = translation._trans

    def check(function, english):
        def wrapped(*args):
            result = function(*args)
            words = english(*args)
            if translation.get_language() == "cy" and result in words:
                found.extend(word for word in words[:1] if word not in SAME_IN_WELSH)
            return result

        return wrapped

    looked_up = {
        "gettext": lambda message: (message,),
        "pgettext": lambda context, message: (message,),
        "ngettext": lambda singular, plural, number: (singular, plural),
        "npgettext": lambda context, singular, plural, number: (singular, plural),
    }
    for name, english in looked_up.items():
        monkeypatch.setattr(trans, name, check(getattr(trans, name), english))
    return found


# Each volunteer page (the matrix world's, tests/aligns/test_access_matrix.py): shown, and
# where it has a form, sent with nothing filled in so that its errors show too.
VOLUNTEER_PAGES = [
    ("visits:today", "GET"),
    ("visits:log", "GET"),
    ("visits:log", "POST"),
    ("visits:visit_new", "GET"),
    ("visits:visit_new", "POST"),
    ("visits:concern_sent", "GET"),
    ("visits:offers", "GET"),
    ("visits:offer_decline", "GET"),
    ("visits:offer_decline", "POST"),
    ("volunteers:availability", "GET"),
    ("volunteers:me", "GET"),
    ("help", "GET"),
    ("accounts:two_factor_setup", "GET"),
    ("accounts:two_factor_setup", "POST"),
]


@pytest.mark.parametrize(("name", "method"), VOLUNTEER_PAGES)
def test_every_word_of_a_volunteers_page_is_in_welsh(
    name,
    method,
    worlds,  # noqa: F811 (the fixture imported above)
    client,
    db,
    monkeypatch,
):
    ours = worlds[OURS]
    ours.users[VOLUNTEER].__class__.objects.filter(pk=ours.users[VOLUNTEER].pk).update(
        preferred_language="cy"
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = ours.sessions[VOLUNTEER]
    access = ACCESS[name]
    url = access.url(name, ours)
    found = untranslated(monkeypatch)

    # A form sent with no answers at all is not bound (request.POST or None): one blank field.
    page = client.get(url) if method == "GET" else client.post(url, {"blank": ""})

    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="cy">' in html
    if method == "POST":
        assert "nhsuk-error-summary" in html, "the form's errors are part of the page"
    assert sorted(set(found)) == []


# --- The emails a volunteer receives, in the language they chose -------------------------


def test_a_password_reset_for_someone_who_chose_welsh_is_emailed_in_welsh(
    client, make_user, django_capture_on_commit_callbacks
):
    person = make_user(Role.VOLUNTEER, preferred_language="cy", email="cymraeg@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("password_reset"), {"email": person.email}, follow=True)

    # (Only theirs: whatever else waited in the outbox went too.)
    (email,) = [email for email in mail.outbox if email.to == [person.email]]
    assert email.extra_headers["Content-Language"] == "cy"
    assert email.subject == "Ailosod eich cyfrinair ALIGNS"
    assert "I ddewis cyfrinair newydd, agorwch y ddolen hon" in email.body
    # The page they asked from is in the language it was shown in: the email is the reader's.
    assert '<html lang="en-GB">' in page.content.decode()


def test_an_invitation_to_someone_who_chose_welsh_is_in_welsh(make_user, coordinator):
    person = make_user(
        Role.VOLUNTEER, preferred_language="cy", full_name="Siân Jones", email="sian@example.org"
    )
    person.set_unusable_password()
    person.save()

    deliver(
        email_invitation(user_id=person.pk, invited_by_id=coordinator.pk, site="https://x.test"),
        message_id="<invitation@x.test>",
    )

    (email,) = mail.outbox
    assert email.extra_headers["Content-Language"] == "cy"
    assert email.subject == "Gosodwch eich cyfrinair ar gyfer ALIGNS"
    assert email.body.startswith("Helo Siân Jones,")
    assert "fel gwirfoddolwr." in email.body
    assert "Mae'n gweithio unwaith" in email.body


def test_what_a_volunteer_needs_to_know_from_the_assessment_is_in_welsh(
    client,
    make_active_episode,  # noqa: F811 (the fixture imported above)
    coordinator,
    make_user,
    monkeypatch,
):
    episode = make_active_episode()
    assessment = assessment_start(client=episode.client, by=coordinator)
    # Each of the volunteer's safety questions answered, with a note: every one is shown.
    safety = {
        "access": "key_safe", "pets": "calm", "senses": "impaired", "stairs": "difficult",
        "smoking": "yes", "others_in_home": "family", "infection": "yes", "area": "daylight",
    }  # fmt: skip
    assessment_save_answers(assessment=assessment, answers=answers(**safety), by=coordinator)
    assessment_sign_off(assessment=assessment, level=RiskLevel.MEDIUM, reason="", by=coordinator)
    person = make_user(Role.VOLUNTEER, preferred_language="cy")
    supporting(episode, person)
    client.force_login(person)
    found = untranslated(monkeypatch)

    page = client.get(reverse("visits:today")).content.decode()

    assert "Grisiau" in page and "Ymweliadau yng ngolau dydd yn unig" in page
    assert sorted(set(found)) == []
