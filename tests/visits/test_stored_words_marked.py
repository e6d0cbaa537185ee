"""Words the code stores when something happens (a change's reason in the history, the
automatic concern's description, why an offer ended, what the sharing log says was shared) are
kept in English, as the record was written, and read in the reader's language where they are
shown. That works only for words a translator can reach: each must be marked where the code
gives it (gettext_noop), so that `make messages` puts it in the catalogue.

The pseudo-locale tests cannot see this: they wrap whatever is looked up, marked or not.
"""

import ast
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.audit.models import SharingLogEntry
from tests.visits.conftest import at, supporting
from visits.models import Assignment, AssignmentStatus, CallKind, Concern, ExitOutcome
from visits.services import concern_close, contact_log, episode_close
from volunteers.services import MOVED_TO

PACKAGES = ("aligns", "referrals", "volunteers", "clients", "visits", "reports", "records")
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"

# The keywords that carry a reason into the change history (aligns/audit/services.py).
REASON_KEYWORDS = {"reason", "default_change_reason"}


def _literal_reasons(path):
    """Plain string literals given as a change's reason in the module at `path`."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg not in REASON_KEYWORDS:
                continue
            value = keyword.value
            branches = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
            for branch in branches:
                if isinstance(branch, ast.JoinedStr) or (
                    isinstance(branch, ast.Constant) and isinstance(branch.value, str)
                    and branch.value
                ):  # fmt: skip
                    yield f"{path}:{branch.lineno}: {ast.unparse(branch)}"


def test_every_reason_the_code_gives_for_a_change_is_marked_for_translating():
    """A reason written as a plain string (or built with an f-string) is stored in English
    that no translator can reach: the history then shows it in English to a Welsh reader.
    The demo data's reasons are people's words (a ward's decline, a volunteer's pause)."""
    unmarked = [
        found
        for package in PACKAGES
        for path in sorted(Path(settings.BASE_DIR, package).rglob("*.py"))
        if "migrations" not in path.parts and not path.name.startswith("demo")
        for found in _literal_reasons(path)
    ]
    assert unmarked == []


def test_the_reason_check_finds_a_plain_reason(tmp_path):
    """The check above is not blind: it finds a plain and a built reason, not a marked one."""
    module = tmp_path / "module.py"
    module.write_text(
        'move(x, reason="Closed")\n'
        'attribute_change(x, reason=f"Moved to {stage}")\n'
        'attribute_change(x, reason=gettext_noop("Closed"))\n'
    )
    assert [found.split(": ", 1)[1] for found in _literal_reasons(module)] == [
        "'Closed'",
        "f'Moved to {stage}'",
    ]


def _catalogue_ids():
    """The msgids of the catalogue a translator works from (made by `make messages`)."""
    text = CATALOGUE.read_text()
    ids = set()
    for entry in re.findall(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n)+)', text, flags=re.M):
        ids.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', entry)).replace('\\"', '"'))
    return ids


def test_the_words_the_code_stores_are_in_the_translators_catalogue():
    ids = _catalogue_ids()
    stored = [
        Concern.NO_ANSWER_TWICE,
        Concern.NO_ANSWER_AT_VISIT,
        Assignment.ENDED_BEFORE_ANSWER,
        *MOVED_TO.values(),
    ]
    assert [words for words in stored if words not in ids] == []


@pytest.fixture
def welsh_coordinator(coordinator):
    coordinator.preferred_language = "cy"
    coordinator.save()
    return coordinator


def test_a_welsh_coordinator_reads_the_automatic_concern_in_welsh(
    client, episode, welsh_coordinator, make_user
):
    """Two unanswered calls raise a concern the code writes; the coordinator who reads Welsh
    reads it in Welsh, one who reads English in English, and the record keeps the English."""
    with time_machine.travel(at(2026, 11, 6, 18, 0), tick=False):
        for hour in (10, 16):
            _, concern = contact_log(
                episode=episode, by=welsh_coordinator, kind=CallKind.CALL,
                happened_at=at(2026, 11, 6, hour, 0), answered=False,
            )  # fmt: skip
    url = reverse("visits:concern", args=[concern.pk])

    client.force_login(welsh_coordinator)
    page = client.get(url).content.decode()
    assert "Dim ateb i ddwy alwad yn olynol. Gwiriwch fod y cleient yn ddiogel." in page
    assert "No answer to two calls" not in page

    english = make_user(Role.COORDINATOR, scheme=episode.scheme)
    client.force_login(english)
    assert (
        "No answer to two calls in a row. Check the client is safe."
        in client.get(url).content.decode()
    )
    assert Concern.objects.get(pk=concern.pk).description == Concern.NO_ANSWER_TWICE


def test_a_volunteers_own_words_are_not_translated(client, episode, welsh_coordinator, volunteer):
    """Only the words the code wrote are looked up: a volunteer's description, even one that
    happens to be the same as a translated word, is shown as they wrote it."""
    supporting(episode, volunteer)
    with time_machine.travel(at(2026, 11, 3, 11, 0), tick=False):
        _, concern = contact_log(
            episode=episode, by=volunteer, kind=CallKind.CALL,
            happened_at=at(2026, 11, 3, 10, 0), answered=True,
            concern={"category": "health", "urgency": "today", "description": "Help"},
        )  # fmt: skip
    client.force_login(welsh_coordinator)
    page = client.get(reverse("visits:concern", args=[concern.pk])).content.decode()
    assert "<p>Help</p>" in page  # not "Cymorth"


def test_an_offer_ended_with_the_support_says_so_in_the_readers_language(
    client, episode, welsh_coordinator, volunteer
):
    """Support closed while an offer waited: the volunteer's record tells a Welsh reader why
    the offer ended in Welsh."""
    offered = supporting(episode, volunteer, status=AssignmentStatus.OFFERED)
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=welsh_coordinator)
    client.force_login(welsh_coordinator)
    page = client.get(reverse("records:volunteer", args=[offered.pk])).content.decode()
    assert "(Daeth y cymorth i ben cyn cael ateb)" in page
    assert Assignment.objects.get(volunteer=offered).decline_reason == (
        "Support ended before an answer"
    )


def test_an_escalations_entry_in_the_sharing_log_is_in_the_translators_catalogue(
    episode, coordinator, volunteer
):
    """The sharing log keeps what was shared in English, as it was written, and shows it in
    the reader's language: the escalation's words must be ones a translator can reach."""
    supporting(episode, volunteer)
    with time_machine.travel(at(2026, 11, 3, 11, 0), tick=False):
        _, concern = contact_log(
            episode=episode, by=volunteer, kind=CallKind.CALL,
            happened_at=at(2026, 11, 3, 10, 0), answered=True,
            concern={"category": "health", "urgency": "today", "description": "Short of breath"},
        )  # fmt: skip
        concern_close(
            concern=concern, by=coordinator, action_taken="Rang the GP",
            escalated_to="Riverside community nurses",
        )  # fmt: skip
    entry = SharingLogEntry.objects.get()
    ids = _catalogue_ids()
    assert (entry.what in ids, entry.fields_shared in ids) == (True, True)
