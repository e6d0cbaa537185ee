"""The headers every page is served with: a Content Security Policy whose script nonce is fresh
for each response and carried by every script tag, and the browser protections around it."""

import re

import pytest
from django.urls import reverse

from aligns.accounts.models import Role

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def nonce_of(response):
    sources = policy(response)["script-src"]
    nonces = [source for source in sources if source.startswith("'nonce-")]
    assert len(nonces) == 1, sources
    return nonces[0][len("'nonce-") : -1]


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (None, "login"),
        (Role.VOLUNTEER, "accounts:account"),
        (Role.COORDINATOR, "referrals:queue"),
        (Role.MANAGER, "reports:report"),
    ],
)
def test_every_script_tag_carries_the_nonce_of_its_own_response(client, make_user, role, url_name):
    if role is not None:
        client.force_login(make_user(role))

    first = client.get(reverse(url_name))
    second = client.get(reverse(url_name))

    assert first.status_code == 200
    tags = SCRIPT_TAG.findall(first.content.decode())
    assert tags, "the page loads scripts"
    nonce = nonce_of(first)
    assert all(f'nonce="{nonce}"' in tag for tag in tags), tags
    assert nonce_of(second) != nonce, "a nonce is never reused"


def test_the_policy_allows_no_inline_script_eval_framing_or_outside_sources(client):
    directives = policy(client.get(reverse("login")))

    every_source = [source for sources in directives.values() for source in sources]
    assert "'unsafe-inline'" not in every_source
    assert "'unsafe-eval'" not in every_source
    assert not [source for source in every_source if "://" in source or source in ("*", "data:")]
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


def test_pages_forbid_framing_sniffing_and_unused_browser_features(client):
    response = client.get(reverse("login"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(part.strip().split("=") for part in response["Permissions-Policy"].split(","))
    assert features["camera"] == features["geolocation"] == features["microphone"] == "()"


def test_the_session_and_csrf_cookies_are_out_of_reach_of_scripts(client, make_user):
    person = make_user(Role.VOLUNTEER, password="a long enough password 1")

    page = client.get(reverse("login"))
    signed_in = client.post(
        reverse("login"), {"username": person.email, "password": "a long enough password 1"}
    )

    assert page.cookies["csrftoken"]["httponly"]
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["httponly"]
    assert signed_in.cookies["sessionid"]["samesite"] == "Lax"
