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
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    LOW = "low", pgettext_lazy("risk level", "Low")
    MEDIUM = "medium", pgettext_lazy("risk level", "Medium")
    HIGH = "high", pgettext_lazy("risk level", "High")


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
        if self.flag == RED:
            return gettext("%(answer)s (red flag: add a note)") % {"answer": self.label}
        return self.label


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
    answers = [Answer("yes", _("Yes"), yes_flag), Answer("no", _("No"), no_flag)]
    if unknown:
        answers.append(Answer("unknown", _("Not known"), AMBER if yes_flag != NONE else NONE))
    return tuple(answers)


# pragma: no mutate end

SECTIONS = (
    Section(
        "health",
        _("Health and wellbeing at home"),
        (
            Question(
                "falls",
                _("Falls in the last year"),
                (
                    Answer("none", _("None")),
                    Answer("one", _("One fall"), AMBER),
                    Answer("several", _("Two or more falls"), RED),
                ),
            ),
            Question(
                "mobility",
                _("Mobility"),
                (
                    Answer("independent", _("Walks independently")),
                    Answer("aid", _("Uses a walking aid"), AMBER),
                    Answer("assisted", _("Needs another person to move safely"), RED),
                ),
            ),
            Question(
                "memory",
                _("Memory or confusion"),
                (
                    Answer("none", _("No concerns")),
                    Answer("some", _("Some forgetfulness"), AMBER),
                    Answer("significant", _("Significant confusion"), RED),
                ),
            ),
            Question(
                "medication",
                _("Managing medication"),
                (
                    Answer("self", _("Manages it alone")),
                    Answer("prompting", _("Needs prompting"), AMBER),
                    Answer("unable", _("Cannot manage it and has no help"), RED),
                ),
            ),
            Question(
                "eating",
                _("Eating and drinking"),
                (
                    Answer("well", _("Eats and drinks well")),
                    Answer("poor", _("Poor appetite or needs help"), AMBER),
                    Answer("unsafe", _("Not eating or drinking enough to be safe"), RED),
                ),
            ),
            Question(
                "mood",
                _("Low mood or anxiety"),
                (
                    Answer("none", _("No concerns")),
                    Answer("some", _("Low mood or anxious"), AMBER),
                    Answer("crisis", _("Has spoken of harming themselves"), RED),
                ),
            ),
            Question(
                "senses",
                _("Hearing and sight"),
                (
                    Answer("fine", _("No difficulties")),
                    Answer("impaired", _("Hard of hearing or sight loss"), AMBER),
                ),
                note_hint=_("How best to communicate: for example, face them, speak slowly."),
            ),
            Question(
                "continence",
                _("Continence needs a volunteer should know about"),
                (Answer("no", _("None")), Answer("yes", _("Yes"), AMBER)),
            ),
            Question(
                "recent_stays",
                _("Hospital stays in the last six months, besides this one"),
                (
                    Answer("none", _("None")),
                    Answer("one", _("One"), AMBER),
                    Answer("several", _("Two or more"), RED),
                ),
            ),
        ),
    ),
    Section(
        "environment",
        _("Environment and safety (home check)"),
        (
            Question(
                "access",
                _("Getting in: access and key safe"),
                (
                    Answer("answers_door", _("Answers the door")),
                    Answer("key_safe", _("Key safe in place"), NONE),
                    Answer("no_access", _("Cannot answer the door and no key safe"), RED),
                ),
                note_hint=_("Where the key safe is. Never write the code here."),
            ),
            Question(
                "stairs",
                _("Stairs"),
                (
                    Answer("none", _("No stairs or manages them")),
                    Answer("difficult", _("Finds stairs difficult"), AMBER),
                ),
            ),
            Question("heating", _("Heating works"), _yes_no(NONE, no_flag=RED)),
            Question("smoke_alarm", _("Working smoke alarm"), _yes_no(NONE, no_flag=AMBER)),
            Question("trip_hazards", _("Trip hazards"), _yes_no(AMBER)),
            Question(
                "pets",
                _("Pets"),
                (
                    Answer("none", _("No pets")),
                    Answer("calm", _("Pets, no concerns")),
                    Answer("dangerous", _("A dog or other animal that may be dangerous"), RED),
                ),
                note_hint=_("What they are and what volunteers should do."),
            ),
            Question("smoking", _("Smoking in the home"), _yes_no(AMBER, unknown=False)),
            Question(
                "others_in_home",
                _("Other people living there"),
                (
                    Answer("none", _("No one")),
                    Answer("family", _("Family or partner")),
                    Answer("concern", _("Someone whose presence is a concern"), RED),
                ),
            ),
        ),
    ),
    Section(
        "lone_working",
        _("Lone-working risks for volunteers"),
        (
            Question("aggression", _("History of aggression or violence"), _yes_no(RED)),
            Question("infection", _("Infection control needs"), _yes_no(AMBER)),
            Question(
                "area",
                _("Unsafe area or time of day"),
                (
                    Answer("no", _("No concerns")),
                    Answer("daylight", _("Visits in daylight only"), AMBER),
                    Answer("unsafe", _("Not safe for a lone volunteer"), RED),
                ),
            ),
        ),
    ),
    Section(
        "social",
        _("Social"),
        (
            Question("lives_alone", _("Lives alone"), _yes_no(AMBER, unknown=False)),
            Question("carer", _("Has a carer"), _yes_no(NONE, unknown=False)),
            Question("family_nearby", _("Family or friends nearby"), _yes_no(NONE, no_flag=AMBER)),
            Question("other_services", _("Already known to other services"), _yes_no(NONE)),
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
