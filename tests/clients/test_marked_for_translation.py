"""The clients' pages in the states the access matrix's world does not reach
(tests/aligns/test_every_page_marked.py renders each page once): every word a person reads there
is marked for translation (tests/i18n.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from clients.assessment import RiskLevel
from clients.models import ConsentKind
from clients.services import (
    assessment_save_answers,
    assessment_sign_off,
    assessment_start,
    client_require_reassessment,
    consent_record,
    goal_add,
    goal_review,
    measure_record,
)
from tests.clients.conftest import answers


def assessed(client_record, by, **changes):
    assessment = assessment_start(client=client_record, by=by)
    return assessment_save_answers(assessment=assessment, answers=answers(**changes), by=by)


def test_an_assessment_with_a_red_flag_is_marked_for_translation_at_each_step(
    client, client_record, coordinator, manager, pseudo_locale
):
    assessment = assessed(client_record, coordinator, aggression="yes", stairs="difficult")
    url = reverse("clients:assessment", args=[client_record.pk, assessment.pk])
    client.force_login(coordinator)
    pseudo_locale.start()

    draft = client.get(url)
    lowered = client.post(url, {"level": RiskLevel.LOW, "reason": ""})
    assessment_sign_off(assessment=assessment, level=RiskLevel.HIGH, reason="", by=coordinator)
    client.force_login(manager)
    waiting = client.get(url)
    record = client.get(reverse("records:client", args=[client_record.pk]))

    assert "Red flag" in draft.content.decode() and "Amber" in draft.content.decode()
    assert pseudo_locale.unmarked(draft) == []
    assert "say why it should be lower" in lowered.content.decode()
    assert pseudo_locale.unmarked(lowered) == []
    assert "Give the second sign-off" in waiting.content.decode()
    assert pseudo_locale.unmarked(waiting) == []
    assert "awaiting a second sign-off" in record.content.decode()
    assert pseudo_locale.unmarked(record) == []


def test_a_red_flag_answer_without_a_note_is_refused_in_words_marked_for_translation(
    client, client_record, coordinator, pseudo_locale
):
    assessment = assessment_start(client=client_record, by=coordinator)
    url = reverse("clients:assessment_edit", args=[client_record.pk, assessment.pk])
    sent = {code: entry["answer"] for code, entry in answers(aggression="yes").items()}
    client.force_login(coordinator)
    pseudo_locale.start()

    refused = client.post(url, {**sent, "falls": ""})

    assert "is a red flag" in refused.content.decode()
    assert "Answer &#x27;" in refused.content.decode()  # 'Falls in the last year'
    assert pseudo_locale.unmarked(refused) == []


def test_a_client_record_with_consent_withdrawn_a_reassessment_due_and_measures_compared(
    client, client_record, coordinator, pseudo_locale
):
    assessment = assessed(client_record, coordinator)
    assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)
    client_require_reassessment(client=client_record, reason="A fall at home", by=coordinator)
    consent_record(
        client=client_record, kind=ConsentKind.SHARE, given=False,
        decided_on=timezone.localdate(), obtained_by="Her son", by=coordinator,
    )  # fmt: skip
    goal = goal_add(
        client=client_record, category="confidence", description="Go out", by=coordinator
    )
    goal_review(goal=goal, outcome="partly_met", by=coordinator)
    for timepoint, values in (("baseline", (3, 3, 2)), ("end", (1, 2, 2))):
        measure_record(
            client=client_record, instrument="ucla3", timepoint=timepoint,
            taken_on=datetime.date(2026, 11, 2), by=coordinator,
            values=dict(zip(("companionship", "left_out", "isolated"), values, strict=True)),
        )  # fmt: skip
    measure_record(
        client=client_record, instrument="ons4", timepoint="baseline",
        taken_on=datetime.date(2026, 11, 2), values={"happiness": 6}, by=coordinator,
    )  # fmt: skip
    client.force_login(coordinator)
    pseudo_locale.start()

    record = client.get(reverse("records:client", args=[client_record.pk]))

    html = record.content.decode()
    assert "Withdrawn" in html and "baseline and end" in html and "A fall at home" in html
    assert pseudo_locale.unmarked(record) == []


def test_the_client_list_with_no_clients_and_a_search_that_finds_none_is_marked(
    client, coordinator, pseudo_locale
):
    client.force_login(coordinator)
    pseudo_locale.start()

    empty = client.get(reverse("clients:list"))
    unfound = client.get(reverse("clients:list"), {"q": "Nobody"})

    assert pseudo_locale.unmarked(empty) == []
    assert "No client matches" in unfound.content.decode()
    assert pseudo_locale.unmarked(unfound) == []


def test_forms_about_a_client_sent_with_mistakes_are_marked_for_translation(
    client, client_record, coordinator, pseudo_locale
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    future = {"day": tomorrow.day, "month": tomorrow.month, "year": tomorrow.year}
    client.force_login(coordinator)
    pseudo_locale.start()

    measure = client.post(
        reverse("clients:measure_new", args=[client_record.pk, "ons4"]),
        {"timepoint": "end", **{f"taken_on_{part}": value for part, value in future.items()}},
    )
    consent = client.post(
        reverse("clients:consent", args=[client_record.pk]),
        {"kind": "share", "given": "yes", "obtained_by": "Her",
         **{f"decided_on_{part}": value for part, value in future.items()}},
    )  # fmt: skip
    details = client.post(
        reverse("clients:edit", args=[client_record.pk]),
        {"given_name": "Ada", "family_name": "Test", "address_line_1": "1 Road", "town": "Town",
         "postcode": "RV1 1AA", "language": "English", "phone": "12"},
    )  # fmt: skip

    assert "today or in the past" in measure.content.decode()
    assert pseudo_locale.unmarked(measure) == []
    assert "today or in the past" in consent.content.decode()
    assert pseudo_locale.unmarked(consent) == []
    assert "Enter a phone number" in details.content.decode()
    assert pseudo_locale.unmarked(details) == []
