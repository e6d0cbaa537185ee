import re
import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse


def ask_for_a_reset(client, email, capture):
    """The email goes on the queue once the request's work commits; tests run it there."""
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email}, follow=True)


def test_a_person_resets_a_forgotten_password_by_email_and_signs_in_with_it(
    client, volunteer, django_capture_on_commit_callbacks
):
    ask_for_a_reset(client, volunteer.email.upper(), django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [volunteer.email]
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "a-brand-new-long-password"
    done = client.post(
        set_password_url,
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )

    assert "Your password has been changed" in done.content.decode()
    signed_in = client.post(
        reverse("login"), {"username": volunteer.email, "password": new_password}
    )
    assert signed_in.status_code == 302


def test_an_unknown_email_gets_the_same_answer_and_no_email(
    client, db, django_capture_on_commit_callbacks
):
    response = ask_for_a_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)

    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_badly_formed_email_is_explained_and_kept(client, db):
    response = client.post(reverse("password_reset"), {"email": "not-an-email"})

    html = response.content.decode()
    assert "Enter an email address in the correct format" in html
    assert 'value="not-an-email"' in html


def test_a_weak_new_password_is_refused_with_the_reason(
    client, volunteer, django_capture_on_commit_callbacks
):
    ask_for_a_reset(client, volunteer.email, django_capture_on_commit_callbacks)
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})

    assert "too short" in response.content.decode()


def test_the_reset_page_answers_even_when_the_mail_server_is_down(
    client, volunteer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.aligns.test_password_reset.RefusingBackend"

    response = ask_for_a_reset(client, volunteer.email, django_capture_on_commit_callbacks)

    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert mail.outbox == []


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")
