"""The intake risk assessment: its questions, and the explicit rules that score it.

One place defines every question, its answers and what each answer means for risk, so
the form, the page that explains the score and the scoring itself can never disagree.

The rules (shown to coordinators on the assessment page too):
- Any answer marked RED makes the overall risk HIGH.
- Otherwise any answer marked AMBER makes it MEDIUM.
- Otherwise it is LOW.
A coordinator may raise the level for any reason, but may lower it only with a written reason.
"""

from dataclasses import dataclass

from django.db import models


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


LEVEL_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}

# What an answer means for risk.
NONE, AMBER, RED = "none", "amber", "red"


@dataclass(frozen=True)
class Answer:
    value: str
    label: str
    flag: str = NONE

    @property
    def form_label(self):
        """On the form, a red flag says so, so nobody learns of the required note by error."""
        return f"{self.label} (red flag: add a note)" if self.flag == RED else self.label


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    answers: tuple
    note_hint: str = ""

    def answer(self, value):
        return next((answer for answer in self.answers if answer.value == value), None)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    questions: tuple


# pragma: no mutate start
# Runs only while this module is imported, where mutation testing cannot tell which tests call
# it; the table it builds is pinned answer by answer in tests/clients/test_risk_rules.py.
def _yes_no(yes_flag, *, no_flag=NONE, unknown=True):
    answers = [Answer("yes", "Yes", yes_flag), Answer("no", "No", no_flag)]
    if unknown:
        answers.append(Answer("unknown", "Not known", AMBER if yes_flag != NONE else NONE))
    return tuple(answers)


# pragma: no mutate end

SECTIONS = (
    Section(
        "health",
        "Health and wellbeing at home",
        (
            Question(
                "falls",
                "Falls in the last year",
                (
                    Answer("none", "None"),
                    Answer("one", "One fall", AMBER),
                    Answer("several", "Two or more falls", RED),
                ),
            ),
            Question(
                "mobility",
                "Mobility",
                (
                    Answer("independent", "Walks independently"),
                    Answer("aid", "Uses a walking aid", AMBER),
                    Answer("assisted", "Needs another person to move safely", RED),
                ),
            ),
            Question(
                "memory",
                "Memory or confusion",
                (
                    Answer("none", "No concerns"),
                    Answer("some", "Some forgetfulness", AMBER),
                    Answer("significant", "Significant confusion", RED),
                ),
            ),
            Question(
                "medication",
                "Managing medication",
                (
                    Answer("self", "Manages it alone"),
                    Answer("prompting", "Needs prompting", AMBER),
                    Answer("unable", "Cannot manage it and has no help", RED),
                ),
            ),
            Question(
                "eating",
                "Eating and drinking",
                (
                    Answer("well", "Eats and drinks well"),
                    Answer("poor", "Poor appetite or needs help", AMBER),
                    Answer("unsafe", "Not eating or drinking enough to be safe", RED),
                ),
            ),
            Question(
                "mood",
                "Low mood or anxiety",
                (
                    Answer("none", "No concerns"),
                    Answer("some", "Low mood or anxious", AMBER),
                    Answer("crisis", "Has spoken of harming themselves", RED),
                ),
            ),
            Question(
                "senses",
                "Hearing and sight",
                (
                    Answer("fine", "No difficulties"),
                    Answer("impaired", "Hard of hearing or sight loss", AMBER),
                ),
                note_hint="How best to communicate: for example, face them, speak slowly.",
            ),
            Question(
                "continence",
                "Continence needs a volunteer should know about",
                (Answer("no", "None"), Answer("yes", "Yes", AMBER)),
            ),
            Question(
                "recent_stays",
                "Hospital stays in the last six months, besides this one",
                (
                    Answer("none", "None"),
                    Answer("one", "One", AMBER),
                    Answer("several", "Two or more", RED),
                ),
            ),
        ),
    ),
    Section(
        "environment",
        "Environment and safety (home check)",
        (
            Question(
                "access",
                "Getting in: access and key safe",
                (
                    Answer("answers_door", "Answers the door"),
                    Answer("key_safe", "Key safe in place", NONE),
                    Answer("no_access", "Cannot answer the door and no key safe", RED),
                ),
                note_hint="Where the key safe is. Never write the code here.",
            ),
            Question(
                "stairs",
                "Stairs",
                (
                    Answer("none", "No stairs or manages them"),
                    Answer("difficult", "Finds stairs difficult", AMBER),
                ),
            ),
            Question("heating", "Heating works", _yes_no(NONE, no_flag=RED)),
            Question("smoke_alarm", "Working smoke alarm", _yes_no(NONE, no_flag=AMBER)),
            Question("trip_hazards", "Trip hazards", _yes_no(AMBER)),
            Question(
                "pets",
                "Pets",
                (
                    Answer("none", "No pets"),
                    Answer("calm", "Pets, no concerns"),
                    Answer("dangerous", "A dog or other animal that may be dangerous", RED),
                ),
                note_hint="What they are and what volunteers should do.",
            ),
            Question("smoking", "Smoking in the home", _yes_no(AMBER, unknown=False)),
            Question(
                "others_in_home",
                "Other people living there",
                (
                    Answer("none", "No one"),
                    Answer("family", "Family or partner"),
                    Answer("concern", "Someone whose presence is a concern", RED),
                ),
            ),
        ),
    ),
    Section(
        "lone_working",
        "Lone-working risks for volunteers",
        (
            Question("aggression", "History of aggression or violence", _yes_no(RED)),
            Question("infection", "Infection control needs", _yes_no(AMBER)),
            Question(
                "area",
                "Unsafe area or time of day",
                (
                    Answer("no", "No concerns"),
                    Answer("daylight", "Visits in daylight only", AMBER),
                    Answer("unsafe", "Not safe for a lone volunteer", RED),
                ),
            ),
        ),
    ),
    Section(
        "social",
        "Social",
        (
            Question("lives_alone", "Lives alone", _yes_no(AMBER, unknown=False)),
            Question("carer", "Has a carer", _yes_no(NONE, unknown=False)),
            Question("family_nearby", "Family or friends nearby", _yes_no(NONE, no_flag=AMBER)),
            Question("other_services", "Already known to other services", _yes_no(NONE)),
        ),
    ),
)

QUESTIONS = {question.code: question for section in SECTIONS for question in section.questions}


@dataclass(frozen=True)
class Flag:
    question: Question
    answer: Answer


def flags(answers):
    """The RED and AMBER answers among `answers` ({question code: answer value})."""
    found = []
    for code, value in answers.items():
        question = QUESTIONS.get(code)
        answer = question.answer(value) if question else None
        if answer is not None and answer.flag != NONE:
            found.append(Flag(question, answer))
    return found


def score(answers):
    """The overall risk level the rules give for `answers`."""
    found = {flag.answer.flag for flag in flags(answers)}
    if RED in found:
        return RiskLevel.HIGH
    if AMBER in found:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


# Risks a ward ticks on the referral (aligns.catalogues KnownRisk codes) and the answer each
# makes the likely one, preselected on a first assessment for the coordinator to confirm. Pets
# and access are shown but not preselected: the ward cannot say whether a dog is dangerous
# or whether there is a key safe.
WARD_RISK_ANSWERS = {
    "lives_alone": ("lives_alone", "yes"),
    "falls": ("falls", "one"),
    "memory": ("memory", "some"),
    "smoking": ("smoking", "yes"),
}


def answers_from_the_ward(risk_codes):
    """{question code: answer} the ward's risks make likely."""
    return dict(WARD_RISK_ANSWERS[code] for code in risk_codes if code in WARD_RISK_ANSWERS)
