import re

from django.core import mail
from django.urls import reverse


def test_a_person_resets_a_forgotten_password_by_email_and_signs_in_with_it(client, volunteer):
    client.post(reverse("password_reset"), {"email": volunteer.email.upper()})

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


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_badly_formed_email_is_explained_and_kept(client, db):
    response = client.post(reverse("password_reset"), {"email": "not-an-email"})

    html = response.content.decode()
    assert "Enter an email address in the correct format" in html
    assert 'value="not-an-email"' in html


def test_a_weak_new_password_is_refused_with_the_reason(client, volunteer):
    client.post(reverse("password_reset"), {"email": volunteer.email})
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})

    assert "too short" in response.content.decode()
