"""Every page that shows a patient's details writes who saw them to the access log.

The pages are discovered from the resolver and filled as the access matrix fills them
(tests/aligns/test_access_matrix.py, whose scheme A this reuses). Each is opened by every
role that may open it; a page showing any of scheme A's patients must write at least one
access-log row, unless it is in SHOWS_NO_RECORD: a reviewed list of pages that show a patient's
name in a list (and log each record opened from it) but no one person's details.
"""

import pytest
from django.conf import settings

from aligns.audit.models import AccessLogEntry
from records.pages import PAGE_NAMES
from tests.aligns.test_access_matrix import ACCESS, OURS, URLS, body, worlds  # noqa: F401

# Pages that name patients without being anyone's record, and why that is enough.
SHOWS_NO_RECORD = {
    "referrals:queue": "the triage queue: names and dates; each referral opened is logged",
    "referrals:ward_list": "the ward's referrals: names and statuses; each opened is logged",
    "clients:list": "search results: names and NHS numbers; each record opened is logged",
    "visits:board": "open episodes: names and what needs action; each opened is logged",
    "visits:work_queue": "alerts: a line each; the episode or concern opened is logged",
    "records:access_log": "the access log itself: who saw whom",
    "records:sharing_log": "the sharing log: what went where, by NHS number",
}


def cases():
    for name in sorted(URLS):
        access = ACCESS.get(name)
        if access is None or access.post_only or access.public is not None:
            continue
        for role in sorted(access.ok):
            yield pytest.param(name, role, id=f"{name}|{role}")


@pytest.mark.parametrize(("name", "role"), list(cases()))
def test_a_page_showing_a_patient_writes_who_saw_them(name, role, worlds, client, db):  # noqa: F811
    world, access = worlds[OURS], ACCESS[name]
    url = access.url(name, world)
    query = access.query(world) if access.query else None
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    before = AccessLogEntry.objects.count()

    response = client.get(url, query)

    shown = [text for text in (*world.patient_names, *world.nhs_numbers) if text in body(response)]
    logged = AccessLogEntry.objects.order_by("pk")[before:]
    if shown and name not in SHOWS_NO_RECORD:
        assert logged, f"{name} shows {shown[:3]} to the {role} but logs nothing"
    for entry in logged:
        assert entry.page in PAGE_NAMES, f"give {entry.page} a name in records/pages.py"


def test_every_page_excused_from_logging_is_a_page():
    assert set(SHOWS_NO_RECORD) <= set(URLS)
