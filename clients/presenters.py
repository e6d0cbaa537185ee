"""What a volunteer needs to know to visit safely, and nothing more.

Built from the client's own record (access, pets, communication) and the safety answers of
the assessment in force. Health answers (memory, mood, continence, medication…) are never
part of it: the volunteer sees this, the coordinator sees everything.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext

from clients.assessment import NONE

# Assessment questions whose answer (and note) join the row of the same name below.
_WITH_ROW = ("access", "pets", "senses")
# Other safety questions, shown when flagged or noted.
_OTHER_SAFETY_QUESTIONS = (
    "stairs", "smoking", "others_in_home", "aggression", "infection", "area",
)  # fmt: skip


@dataclass
class SummaryRow:
    label: str
    lines: list = field(default_factory=list)


def safety_summary(client, assessment):
    communication = client.language
    if client.interpreter_needed:
        communication = gettext("%(language)s, needs an interpreter") % {"language": communication}
    rows = {
        "access": SummaryRow(gettext("Getting in"), [client.access_notes]),
        "pets": SummaryRow(gettext("Pets"), [client.pets]),
        "senses": SummaryRow(gettext("Communication"), [communication, client.communication_notes]),
    }
    if assessment is not None:
        # The questions' and answers' words (lazy) as the reader reads them now: the rows are text.
        for code in _WITH_ROW:
            answer = assessment.answered(code)
            if answer is not None:
                rows[code].lines += [str(answer.label), assessment.note_for(code)]
        for code in _OTHER_SAFETY_QUESTIONS:
            answer = assessment.answered(code)
            if answer is not None and (answer.flag != NONE or assessment.note_for(code)):
                question = assessment.question(code)
                rows[code] = SummaryRow(
                    str(question.text), [str(answer.label), assessment.note_for(code)]
                )
    for row in rows.values():
        row.lines = [line for line in row.lines if line] or [gettext("Nothing recorded")]
    return list(rows.values())
