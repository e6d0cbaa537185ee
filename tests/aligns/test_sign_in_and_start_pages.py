import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aligns.accounts.models import ROLE_START_PAGES, Role
from tests.factories import TEST_PASSWORD

ALL_ROLES = list(Role)


def sign_in(client, user):
    return client.post(
        reverse("login"), {"username": user.email, "password": TEST_PASSWORD}, follow=True
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_signs_in_and_lands_on_its_own_start_page(client, make_user, role):
    user = make_user(role)

    response = sign_in(client, user)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(ROLE_START_PAGES[role])


def test_sign_in_accepts_the_email_in_any_case(client, coordinator):
    response = client.post(
        reverse("login"),
        {"username": coordinator.email.upper(), "password": TEST_PASSWORD},
    )

    assert response.status_code == 302


def test_a_wrong_password_is_refused_with_a_message_and_the_email_kept(client, coordinator):
    response = client.post(
        reverse("login"), {"username": coordinator.email, "password": "not-the-password"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct email address and password" in html
    assert f'value="{coordinator.email}"' in html
    assert "<title>Error: " in html


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_other_role_is_refused_each_start_page(client, make_user, role):
    client.force_login(make_user(role))

    for other_role, url_name in ROLE_START_PAGES.items():
        if other_role == role:
            continue
        assert client.get(reverse(url_name)).status_code == 403, url_name


def test_a_user_without_a_scheme_cannot_reach_any_start_page(client, make_user):
    orphan = make_user(Role.COORDINATOR, scheme=None)
    client.force_login(orphan)

    assert client.get(reverse("home")).status_code == 403
    for url_name in ROLE_START_PAGES.values():
        assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_menu_offers_only_pages_the_role_may_open(client, make_user, role):
    client.force_login(make_user(role))

    html = client.get(reverse(ROLE_START_PAGES[role])).content.decode()

    for other_role, url_name in ROLE_START_PAGES.items():
        link = f'href="{reverse(url_name)}"'
        assert (link in html) == (other_role == role), url_name


def _all_url_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_url_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


# Pages anyone may open without signing in.
PUBLIC_PATHS = {"sign-in/", "healthz", "password-reset/", "password-reset/sent/"}
# The public pages' switch between English and Welsh (POST only: a GET answers 405).
PUBLIC_PATHS |= {"language/"}
# Choosing a first password from an invitation, and ward staff asking for an account.
PUBLIC_PATHS |= {
    "invitation/<uidb64>/<token>/",
    "ask-for-an-account/",
    "ask-for-an-account/sent/",
    "ask-for-an-account/confirm/<str:token>/",
}
# What a phone needs to keep a volunteer's pages offline (nothing personal; fetched without
# cookies).
PUBLIC_PATHS |= {"visits/offline-worker.js", "visits/manifest.webmanifest"}


def _example_path(route):
    """Turn a route such as 'team/<int:pk>/' into a concrete path."""
    import re

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", route)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client):
    checked = 0
    for route, _pattern in _all_url_patterns():
        if route.startswith("admin/") or "^" in route:
            continue
        if route in PUBLIC_PATHS or route.startswith("password-reset/"):
            continue
        path = _example_path(route)
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login")), path
        checked += 1
    assert checked >= 6  # the walk really found the app's pages


@pytest.mark.django_db
def test_the_admin_also_requires_signing_in(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "login" in response["Location"]
