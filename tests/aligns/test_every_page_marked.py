"""Every page of the project, as each person who may see it sees it, in the pseudo-locale:
no English word outside the translation markers (tests/i18n.py), so that a translator working
from `make messages` can reach every word, and a new page cannot forget to mark its words.

The pages are the access matrix's (tests/aligns/test_access_matrix.py): every URL a person may
GET, filled in from scheme A's records, as each role it is for; forms are also sent empty, so
their error messages are checked too. The records' own words (names, notes, the catalogues)
are the people's, not for translating (`data_words()`).
"""

import pytest
from django.conf import settings

from tests.aligns.test_access_matrix import (
    ACCESS,
    ANONYMOUS,
    OURS,
    URLS,
    expected,
    worlds,  # noqa: F401 (the fixture)
)
from tests.i18n import data_words, unmarked_words, wrap_translations

# Pages not checked here, with why. Nothing else may be left out.
NOT_PAGES = {
    "healthz": "a status word for the load balancer, not a page",
    "reports:export_download": "a file download (the exports' words: tests/reports)",
    "visits:manifest": "the home-screen app's manifest (JSON): its name is the service's",
    "visits:offline_worker": "the offline worker's script: it shows no words of its own",
}

# Pages whose words are still being marked: each an xfail(strict=True), so marking a page
# makes its case pass and this test fail until the page is taken off the list. (None left.)
STILL_TO_MARK = set()


def pages():
    for name in sorted(URLS):
        access = ACCESS.get(name)
        if access is None or name in NOT_PAGES:
            continue  # unclassified: test_every_url_is_classified says so
        if access.public is not None:
            if access.public[0] == 200:
                yield _case(name, ANONYMOUS)
            continue
        for role in sorted(access.ok):
            if expected(access, role, "GET") == 200:
                yield _case(name, role)


def _case(name, who):
    case = f"{name}|{who}"
    marks = pytest.mark.xfail(strict=True, reason="still to mark") if case in STILL_TO_MARK else ()
    return pytest.param(name, who, id=case, marks=marks)


def test_every_page_left_out_is_a_url():
    assert not set(NOT_PAGES) - set(URLS), "no such URL, remove from NOT_PAGES"


def test_every_page_still_to_mark_is_a_page():
    cases = {param.id for param in pages()}
    assert not STILL_TO_MARK - cases, "no such page, remove from STILL_TO_MARK"


def _text(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


@pytest.mark.parametrize(("name", "who"), list(pages()))
def test_every_word_of_the_page_is_marked_for_translation(
    name,
    who,
    worlds,  # noqa: F811 (the fixture imported above)
    client,
    db,
    monkeypatch,
):
    access = ACCESS[name]
    ours = worlds[OURS]
    if who != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = ours.sessions[who]
    url = access.url(name, ours)
    query = access.query(ours) if access.query else {}
    data = data_words()
    wrap_translations(monkeypatch)

    shown = client.get(url, query)
    sent_empty = client.post(url, {})

    assert shown.status_code == 200
    found = {"GET": unmarked_words(_text(shown), data)}
    if sent_empty.status_code == 200 and "html" in sent_empty.get("Content-Type", ""):
        found["POST"] = unmarked_words(_text(sent_empty), data)
    assert not any(found.values()), f"unmarked words on {name} as {who}: {found}"
