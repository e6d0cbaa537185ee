"""A risk assessment's journey in a real browser, from a newly accepted referral to a
high-risk client whom volunteers may visit at home.

One coordinator accepts a referral, fills in the assessment (with one red flag, at
first without its note), tries to lower the level without a reason, and signs it off as
high risk; a second coordinator gives the second sign-off. Every distinct page on the
way is checked with axe-core and screenshotted.
"""

import re
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import expect

from aligns.accounts.demo import DEMO_PASSWORD
from aligns.accounts.models import Role, Scheme
from aligns.accounts.services import user_create
from clients.assessment import NONE, QUESTIONS, SECTIONS
from tests.browser.support import assert_accessible, sign_in, sign_out

COORDINATOR = "coordinator@example.org"
COORDINATOR_NAME = "Colin Coordinator"
SECOND_COORDINATOR = "second.coordinator@example.org"
SECOND_COORDINATOR_NAME = "Sasha Second-Coordinator"

# A demo referral still waiting in the triage queue: accepting it makes a new client.
GIVEN_NAME = "Arthur"
FAMILY_NAME = "Pennington"
CLIENT = f"{GIVEN_NAME} {FAMILY_NAME}"

SECTION_TITLES = [
    "Health and wellbeing at home",
    "Environment and safety (home check)",
    "Lone-working risks for volunteers",
    "Social",
]

# The one red flag: a dangerous dog. Every other question gets its first unflagged answer.
RED_QUESTION = "pets"
RED_QUESTION_TEXT = "Pets"
RED_ANSWER = "A dog or other animal that may be dangerous"
RED_NOTE = "Large dog, Rex: his daughter shuts him in the garden before a visit."
RED_NOTE_ERROR = (
    f"{RED_QUESTION_TEXT}: '{RED_ANSWER}' is a red flag. Say what volunteers need to know."
)
# A note on an unflagged answer, to check it survives the form coming back with an error.
OTHER_NOTE_QUESTION = "access"
OTHER_NOTE = "Key safe by the front door; ask the coordinator for the code."

LOWER_WITHOUT_REASON_ERROR = "The answers make this high risk: say why it should be lower"
NO_ASSESSMENT_REFUSAL = (
    "No home visit until a coordinator signs off a risk assessment. Phone calls only."
)
AWAITING_SECOND_REFUSAL = (
    "High risk: phone support only until a second coordinator or a manager signs off "
    "the assessment."
)
SECOND_SIGN_OFF_DONE = "Second sign-off recorded. Home visits may now be planned."


def url_path(page):
    return urlsplit(page.url).path


def chosen_answers():
    """(question, answer label) for every question: the red flag, else the first unflagged."""
    chosen = []
    for section in SECTIONS:
        for question in section.questions:
            if question.code == RED_QUESTION:
                answer = next(answer for answer in question.answers if answer.label == RED_ANSWER)
            else:
                answer = next(answer for answer in question.answers if answer.flag == NONE)
            chosen.append((question, answer.form_label))
    return chosen


def answer_radio(page, question_text, answer_label):
    # The questions' words are marked for translation (lazy): Playwright needs plain text.
    return page.get_by_role("group", name=str(question_text), exact=True).get_by_label(
        str(answer_label), exact=True
    )


def note_box(page, question_code):
    # Every note is labelled "Note", so find it by the id the error summary links to.
    return page.locator(f"#id_{question_code}_note")


def warning_card(page, heading):
    """The NHS.UK warning card whose heading is `heading` (after its hidden 'Important: ')."""
    return page.locator(".nhsuk-card--warning").filter(
        has=page.get_by_role("heading", name=f"Important: {heading}")
    )


def open_client_from_the_list(page, live_server, screenshot=None, step=None):
    """Header link 'Clients', search by family name, follow the client's name."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Clients").click()
    page.wait_for_url(live_server.url + reverse("clients:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    if screenshot:
        screenshot(page, step)
        assert_accessible(page)

    page.get_by_label("Search by name or NHS number").fill(FAMILY_NAME)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table")).to_contain_text(f"1 client matching “{FAMILY_NAME}”")
    page.get_by_role("table").get_by_role("link", name=CLIENT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CLIENT)


def test_a_high_risk_assessment_needs_a_second_coordinator_before_home_visits(
    page, live_server, demo_users, screenshot
):
    scheme = Scheme.objects.get(slug="riverside")
    user_create(
        email=SECOND_COORDINATOR,
        full_name=SECOND_COORDINATOR_NAME,
        role=Role.COORDINATOR,
        scheme=scheme,
        password=DEMO_PASSWORD,
        by=None,
    )
    answers = chosen_answers()

    # --- Coordinator: accept the referral, which makes the client -----------------------
    sign_in(page, live_server, COORDINATOR, reverse("referrals:queue"))
    page.get_by_role("link", name=CLIENT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CLIENT)
    page.get_by_role("button", name="Accept referral").click()
    expect(page.get_by_role("status")).to_contain_text("Referral accepted.")

    # --- The clients list, then the new client: phone support only ----------------------
    open_client_from_the_list(page, live_server, screenshot, "1-clients")
    client_url = page.url
    main = page.get_by_role("main")
    card = warning_card(page, "Phone support only")
    expect(card).to_be_visible()
    expect(card).to_contain_text(NO_ASSESSMENT_REFUSAL)
    expect(main).to_contain_text("Not yet assessed.")
    expect(main.get_by_role("link", name="Read the assessment")).to_have_count(0)
    screenshot(page, "2-client-not-assessed")
    assert_accessible(page)

    # --- The assessment form ------------------------------------------------------------
    page.get_by_role("button", name="Start the risk assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Risk assessment")
    form_path = url_path(page)
    assert form_path.endswith("/answers/"), form_path
    for title in SECTION_TITLES:
        expect(page.get_by_role("group", name=title, exact=True)).to_be_visible()
    falls = page.get_by_role("group", name="Falls in the last year", exact=True)
    for answer in QUESTIONS["falls"].answers:
        expect(falls.get_by_label(str(answer.form_label), exact=True)).not_to_be_checked()
    screenshot(page, "3-assessment-form")
    assert_accessible(page)

    # --- Answer everything, the red flag without its note -------------------------------
    for question, label in answers:
        answer_radio(page, question.text, label).check()
    note_box(page, OTHER_NOTE_QUESTION).fill(OTHER_NOTE)

    page.get_by_role("button", name="Save answers").click()

    # --- Back with exactly that one problem, by the note and in the summary -------------
    assert url_path(page) == form_path
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_text([RED_NOTE_ERROR])
    expect(page.locator(".nhsuk-error-message")).to_have_text([f"Error: {RED_NOTE_ERROR}"])
    assert page.title().startswith("Error: "), page.title()
    # The message describes the note box it belongs to.
    expect(note_box(page, RED_QUESTION)).to_have_accessible_description(
        f"What they are and what volunteers should do. Error: {RED_NOTE_ERROR}"
    )
    screenshot(page, "4-assessment-form-with-error")
    assert_accessible(page)

    # Nothing chosen or typed is lost.
    for question, label in answers:
        expect(answer_radio(page, question.text, label)).to_be_checked()
    expect(note_box(page, OTHER_NOTE_QUESTION)).to_have_value(OTHER_NOTE)
    expect(note_box(page, RED_QUESTION)).to_have_value("")

    # --- Follow the summary's link to the note, write it and save -----------------------
    summary.get_by_role("link", name=RED_NOTE_ERROR).click()
    expect(note_box(page, RED_QUESTION)).to_be_focused()
    note_box(page, RED_QUESTION).fill(RED_NOTE)

    page.get_by_role("button", name="Save answers").click()

    # --- The assessment page: high risk, the red flag, the sign-off form ---------------
    expect(page.get_by_role("status")).to_contain_text(
        "Answers saved. Check the overall risk and sign off."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk assessment")
    assessment_path = url_path(page)
    assert assessment_path == form_path.removesuffix("answers/"), assessment_path
    main = page.get_by_role("main")
    expect(main).to_contain_text("The answers give: High risk")
    flagged = main.get_by_role("heading", name="Flagged answers").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(flagged.get_by_role("listitem")).to_have_text(
        [f"Red flag: {RED_QUESTION_TEXT}: {RED_ANSWER}"]
    )
    expect(main.get_by_role("heading", name="Sign off", exact=True)).to_be_visible()
    level = page.get_by_role("group", name="Overall risk level")
    expect(level.get_by_label("High", exact=True)).to_be_checked()
    expect(level.get_by_label("Low", exact=True)).not_to_be_checked()
    expect(level.get_by_label("Medium", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Reason for changing the level")).to_have_value("")
    # The answers, notes and all, are on the page.
    expect(main).to_contain_text(RED_NOTE)
    expect(main).to_contain_text(OTHER_NOTE)
    screenshot(page, "5-assessment-to-sign-off")
    assert_accessible(page)

    # --- Lowering the level needs a reason ----------------------------------------------
    level.get_by_label("Low", exact=True).check()
    page.get_by_role("button", name="Sign off the assessment").click()

    assert url_path(page) == assessment_path
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_text([LOWER_WITHOUT_REASON_ERROR])
    expect(page.locator(".nhsuk-error-message")).to_have_text(
        [f"Error: {LOWER_WITHOUT_REASON_ERROR}"]
    )
    assert page.title().startswith("Error: "), page.title()
    level = page.get_by_role("group", name="Overall risk level")
    expect(level.get_by_label("Low", exact=True)).to_be_checked()
    screenshot(page, "6-sign-off-lowered-without-reason")
    assert_accessible(page)

    summary.get_by_role("link", name=LOWER_WITHOUT_REASON_ERROR).click()
    expect(page.get_by_label("Reason for changing the level")).to_be_focused()

    # --- Sign off as high risk instead --------------------------------------------------
    level.get_by_label("High", exact=True).check()
    page.get_by_role("button", name="Sign off the assessment").click()

    expect(page.get_by_role("status")).to_contain_text("Ask another coordinator or a manager")
    assert url_path(page) == assessment_path
    main = page.get_by_role("main")
    # (The risk tag's template ends in a newline, hence the space before the comma.)
    expect(main).to_contain_text(
        re.compile(rf"Overall risk: High risk\s*, signed off by {COORDINATOR_NAME}")
    )
    expect(main.locator(".nhsuk-tag").first).to_have_text("Awaiting second sign-off")
    card = warning_card(page, "Second sign-off needed")
    expect(card).to_be_visible()
    expect(card).to_contain_text("phone support only: no home visits")
    # Whoever signed it off cannot give the second sign-off, nor change the answers.
    expect(page.get_by_role("button", name="Give the second sign-off")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign off the assessment")).to_have_count(0)
    expect(page.get_by_role("link", name="Change the answers")).to_have_count(0)
    screenshot(page, "7-assessment-awaiting-second")
    assert_accessible(page)

    # --- The client is still phone support only -----------------------------------------
    page.get_by_role("link", name="Back to the client").click()

    assert page.url == client_url
    card = warning_card(page, "Phone support only")
    expect(card).to_contain_text(AWAITING_SECOND_REFUSAL)
    main = page.get_by_role("main")
    expect(main).to_contain_text("awaiting a second sign-off by a different coordinator")
    expect(main.get_by_role("link", name="Read the assessment")).to_be_visible()
    # The volunteer's need-to-know summary now includes the dog and its note.
    expect(main).to_contain_text(RED_NOTE)
    screenshot(page, "8-client-awaiting-second")
    assert_accessible(page)

    sign_out(page, live_server)

    # --- A second coordinator: find the client, give the second sign-off ---------------
    sign_in(page, live_server, SECOND_COORDINATOR, reverse("referrals:queue"))
    open_client_from_the_list(page, live_server)
    assert page.url == client_url
    expect(warning_card(page, "Phone support only")).to_contain_text(AWAITING_SECOND_REFUSAL)

    page.get_by_role("link", name="Read the assessment").click()

    assert url_path(page) == assessment_path
    card = warning_card(page, "Second sign-off needed")
    second = card.get_by_role("button", name="Give the second sign-off")
    expect(second).to_be_visible()
    screenshot(page, "9-assessment-second-coordinator")
    assert_accessible(page)

    second.click()

    expect(page.get_by_role("status")).to_contain_text(SECOND_SIGN_OFF_DONE)
    assert url_path(page) == assessment_path
    main = page.get_by_role("main")
    expect(main.locator(".nhsuk-tag").first).to_have_text("Signed off")
    expect(main).to_contain_text(f"Second sign-off by {SECOND_COORDINATOR_NAME}")
    expect(warning_card(page, "Second sign-off needed")).to_have_count(0)
    expect(page.get_by_role("button", name="Give the second sign-off")).to_have_count(0)
    screenshot(page, "10-assessment-signed-off")
    assert_accessible(page)

    # --- The client: home visits may now be planned -------------------------------------
    page.get_by_role("link", name="Back to the client").click()

    assert page.url == client_url
    expect(page.locator(".nhsuk-card--warning")).to_have_count(0)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Home visits may be planned")
    expect(main).to_contain_text("High risk Signed off")
    screenshot(page, "11-client-home-visits-allowed")
    assert_accessible(page)
