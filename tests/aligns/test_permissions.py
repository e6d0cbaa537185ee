"""Every permission is one name in aligns/permissions.py, used by rules, views and templates."""

import pathlib
import re

import pytest
import rules
from django.template import Context, Template

from aligns.accounts.models import Role
from aligns.permissions import Can, Permission, UnknownPermission

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("aligns", "clients", "volunteers", "visits", "referrals", "reports", "records")


def test_every_permission_named_is_given_by_a_rule_and_every_rule_is_named():
    registered = {name for name in rules.permissions.permissions if "." in name}

    assert registered == {permission.value for permission in Permission}


def test_templates_ask_only_for_permissions_that_exist():
    asked = {
        name
        for path in (ROOT / "templates").rglob("*.html")
        for name in re.findall(r"\bcan\.([A-Za-z_]+)", path.read_text())
    }

    assert asked, "the templates ask for permissions through `can`"
    assert asked <= set(Permission.__members__), asked - set(Permission.__members__)


def test_no_permission_is_written_as_a_string_in_the_code():
    literal = re.compile(r"(has_perm|permission_required|add_perm)\(\s*[\"']")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if literal.search(line)
    ]

    assert not found, found


def test_a_template_asking_for_a_permission_gets_the_users_answer(make_user):
    page = Template("{% if can.MATCH_VOLUNTEERS %}match{% else %}no{% endif %}")

    assert page.render(Context({"can": Can(make_user(Role.COORDINATOR))})) == "match"
    assert page.render(Context({"can": Can(make_user(Role.MANAGER))})) == "no"


def test_a_misspelt_permission_in_a_template_stops_the_page(make_user):
    page = Template("{% if can.MATCH_VOLUNTEER %}match{% endif %}")

    with pytest.raises(UnknownPermission, match="MATCH_VOLUNTEER"):
        page.render(Context({"can": Can(make_user(Role.COORDINATOR))}))
