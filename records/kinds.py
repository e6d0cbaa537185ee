"""Which records' change history managers may read, and how each reaches its scheme.

Each kind (the slug in /audit/history/<kind>/<id>/) names a model with simple-history, the
lookup from one of its history rows to the scheme's id, and the person the record is about
(reading it is written to the access log). Records are found through their history rows, so
a deleted record's history can still be read, by the managers of the scheme its last row
belongs to.
"""

from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db.models import F, Max
from django.http import Http404
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aligns.audit.history import BLANK, Change, Namer, Names, entries_from_records
from aligns.nhs import format_nhs_number
from aligns.shortcuts import LARGEST_ID
from aligns.weekly_grid import describe as describe_grid
from clients.assessment import QUESTIONS
from clients.instruments import INSTRUMENTS


def _day(value):
    if value is None:
        return gettext("(no date)")
    if hasattr(value, "tzinfo"):
        value = timezone.localdate(value)
    return date_format(value, "j F Y")


def _when(value):
    return date_format(timezone.localtime(value), "j F Y, H:i") if value else gettext("(no time)")


def _shown_as(show):
    """An expander showing a value through `show` (the days a weekly grid's bitmask means)."""

    def expand(label, old, new):
        return [Change(label, None if old is None else show(old), show(new))]

    return expand


_grid = _shown_as(describe_grid)
_nhs_number = _shown_as(lambda number: format_nhs_number(number) if number else BLANK)


def _answers(label, old, new):
    """An assessment's answers, as each question whose answer or note changed."""

    def parts(answers, code):
        entry = answers.get(code) if isinstance(answers, dict) else None
        entry = entry if isinstance(entry, dict) else {}
        return entry.get("answer"), str(entry.get("note") or "")

    def codes(answers):
        return set(answers) if isinstance(answers, dict) else set()

    def answer_text(question, value):
        answer = question.answer(value) if question else None
        return answer.label if answer else str(value or BLANK)

    changes = []
    for code in [*QUESTIONS, *sorted((codes(old) | codes(new)) - set(QUESTIONS))]:
        question = QUESTIONS.get(code)
        text = question.text if question else code
        (old_answer, old_note), (new_answer, new_note) = parts(old, code), parts(new, code)
        if old_answer != new_answer and (old is not None or new_answer is not None):
            old_text = None if old is None else answer_text(question, old_answer)
            changes.append(Change(text, old_text, answer_text(question, new_answer)))
        if old_note != new_note:
            old_text = None if old is None else old_note or BLANK
            changes.append(
                Change(
                    gettext("%(question)s (note)") % {"question": text}, old_text, new_note or BLANK
                )
            )
    return changes


def _measure_name(instrument, timepoint_display, taken_on):
    definition = INSTRUMENTS.get(instrument)
    name = definition.name if definition else instrument
    return gettext("%(instrument)s, %(timepoint)s, %(day)s") % {
        "instrument": name,
        "timepoint": timepoint_display.lower(),
        "day": _day(taken_on),
    }


def _contact_name(contact):
    return gettext("%(kind)s on %(when)s") % {
        "kind": contact.get_kind_display(),
        "when": _when(contact.happened_at),
    }


# How a record linked from another (a foreign key) is named, and how it reaches its scheme.
NAMERS = {
    "accounts.Scheme": Namer(lambda scheme: scheme.name, "id"),
    # Named to the managers of its schemes only.
    "accounts.Organisation": Namer(lambda organisation: organisation.name, "schemes__id"),
    "accounts.Hospital": Namer(lambda hospital: hospital.name, "scheme_id"),
    "accounts.Ward": Namer(str, "hospital__scheme_id", ("hospital",)),
    "accounts.User": Namer(str, "scheme_id"),
    "catalogues.Need": Namer(str, ""),
    "catalogues.KnownRisk": Namer(str, ""),
    "referrals.Referral": Namer(
        lambda r: (
            gettext("%(name)s, submitted %(day)s")
            % {"name": r.patient_name, "day": _day(r.submitted_at)}
        ),
        "scheme_id",
    ),
    "clients.Client": Namer(lambda client: client.full_name, "scheme_id"),
    "clients.OutcomeMeasure": Namer(
        lambda m: _measure_name(m.instrument, m.get_timepoint_display(), m.taken_on),
        "client__scheme_id",
    ),
    "visits.SupportEpisode": Namer(
        lambda e: (
            gettext("%(name)s, opened %(day)s")
            % {"name": e.client.full_name, "day": _day(e.opened_at)}
        ),
        "scheme_id",
        ("client",),
    ),
    "visits.ScheduledCall": Namer(
        lambda call: (
            gettext("%(kind)s due %(when)s")
            % {"kind": call.get_kind_display(), "when": _when(call.due_at)}
        ),
        "episode__scheme_id",
    ),
    "visits.Contact": Namer(_contact_name, "episode__scheme_id"),
    "visits.CommunityService": Namer(lambda service: service.name, "scheme_id"),
    "volunteers.Volunteer": Namer(lambda volunteer: volunteer.full_name, "scheme_id"),
    "volunteers.TrainingCourse": Namer(lambda course: course.name, "scheme_id"),
}


@dataclass(frozen=True)
class Kind:
    """One kind of record whose history managers may read.

    `scheme`: the lookup from a history row to its scheme's id. `describe(row)`: words naming
    the record, from the row's own fields. `person`, `person_model`: the lookup to the person
    the record is about, and their model; reading the history is written to the access log
    as reading that person's record. `parents`: fields linking to records it belongs to;
    `children`: (kind, the field on the child linking here), listed on its page. `hidden`:
    fields never shown; `expanders`: fields shown as several changes (history.py). `page`:
    the URL name of the record's own page, if managers may open it; `back`, the words of the
    link back to it.
    """

    slug: str
    model: str
    label: str
    plural: str
    scheme: str
    describe: object
    person: str = ""
    person_model: str = ""
    parents: tuple = ()
    children: tuple = ()
    hidden: tuple = ()
    expanders: dict = field(default_factory=dict)
    page: str = ""
    back: str = ""

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def url(self, pk):
        return reverse("records:history", args=[self.slug, pk])


def _consent_name(record):
    values = {"kind": record.get_kind_display(), "day": _day(record.decided_on)}
    if record.given:
        return gettext("%(kind)s: given %(day)s") % values
    return gettext("%(kind)s: withdrawn %(day)s") % values


def _register(*kinds):
    return {kind.slug: kind for kind in kinds}


KINDS = _register(
    # clients
    Kind(
        "client", "clients.Client", _("Client"), _("Clients"), scheme="scheme_id",
        describe=lambda r: f"{r.given_name} {r.family_name}",
        person="id", person_model="clients.Client",
        children=(("consent", "client_id"), ("assessment", "client_id"), ("goal", "client_id"),
                  ("outcome-measure", "client_id"), ("episode", "client_id")),
        expanders={"preferred_times": _grid, "nhs_number": _nhs_number}, page="records:client",
        back=_("Back to the client"),
    ),
    Kind(
        "consent", "clients.ConsentRecord", _("Consent record"), _("Consent records"),
        scheme="client__scheme_id",
        describe=_consent_name,
        person="client_id", person_model="clients.Client", parents=("client",),
    ),
    Kind(
        "assessment", "clients.RiskAssessment", _("Risk assessment"), _("Risk assessments"),
        scheme="client__scheme_id",
        describe=lambda r: gettext("Risk assessment started %(day)s") % {"day": _day(r.created_at)},
        person="client_id", person_model="clients.Client", parents=("client",),
        expanders={"answers": _answers},
    ),
    Kind(
        "goal", "clients.Goal", _("Goal"), _("Goals"), scheme="client__scheme_id",
        describe=lambda r: truncatechars(r.description, 80),
        person="client_id", person_model="clients.Client", parents=("client",),
    ),
    Kind(
        "outcome-measure", "clients.OutcomeMeasure", _("Outcome measure"), _("Outcome measures"),
        scheme="client__scheme_id",
        describe=lambda r: _measure_name(r.instrument, r.get_timepoint_display(), r.taken_on),
        person="client_id", person_model="clients.Client", parents=("client", "episode"),
        children=(("outcome-answer", "measure_id"),),
    ),
    Kind(
        "outcome-answer", "clients.OutcomeAnswer", _("Outcome measure answer"),
        _("Answers"), scheme="measure__client__scheme_id",
        describe=lambda r: gettext("Answer to %(item)s") % {"item": r.item},
        person="measure__client_id", person_model="clients.Client", parents=("measure",),
    ),
    # referrals
    Kind(
        "referral", "referrals.Referral", _("Referral"), _("Referrals"), scheme="scheme_id",
        describe=lambda r: gettext("Referral of %(name)s, %(day)s")
        % {"name": f"{r.given_name} {r.family_name}", "day": _day(r.submitted_at)},
        person="id", person_model="referrals.Referral", expanders={"nhs_number": _nhs_number},
    ),
    # visits
    Kind(
        "episode", "visits.SupportEpisode", _("Support episode"), _("Support episodes"),
        scheme="scheme_id",
        describe=lambda r: gettext("Support episode opened %(day)s") % {"day": _day(r.opened_at)},
        person="client_id", person_model="clients.Client", parents=("client", "referral"),
        children=(("contact", "episode_id"), ("concern", "episode_id"),
                  ("onward-referral", "episode_id"), ("readmission", "episode_id"),
                  ("assignment", "episode_id")),
        page="visits:episode", back=_("Back to the support episode"),
    ),
    Kind(
        "readmission", "visits.Readmission", _("Readmission"), _("Readmissions"),
        scheme="episode__scheme_id",
        describe=lambda r: gettext("Readmitted %(day)s") % {"day": _day(r.admitted_on)},
        person="episode__client_id", person_model="clients.Client", parents=("episode",),
    ),
    Kind(
        "contact", "visits.Contact", _("Call or visit"), _("Calls and visits"),
        scheme="episode__scheme_id",
        describe=_contact_name,
        person="episode__client_id", person_model="clients.Client", parents=("episode",),
    ),
    Kind(
        "concern", "visits.Concern", _("Concern"), _("Concerns"), scheme="episode__scheme_id",
        describe=lambda r: gettext("%(category)s, raised %(when)s")
        % {"category": r.get_category_display(), "when": _when(r.raised_at)},
        person="episode__client_id", person_model="clients.Client", parents=("episode",),
        page="visits:concern", back=_("Back to the concern"),
    ),
    Kind(
        "onward-referral", "visits.OnwardReferral", _("Onward referral"), _("Onward referrals"),
        scheme="episode__scheme_id",
        describe=lambda r: gettext("Onward referral made %(day)s") % {"day": _day(r.referred_on)},
        person="episode__client_id", person_model="clients.Client",
        parents=("episode", "service"),
    ),
    Kind(
        "community-service", "visits.CommunityService", _("Community service"),
        _("Community services"), scheme="scheme_id", describe=lambda r: r.name,
    ),
    # volunteers
    Kind(
        "volunteer", "volunteers.Volunteer", _("Volunteer"), _("Volunteers"), scheme="scheme_id",
        describe=lambda r: f"{r.given_name} {r.family_name}",
        person="id", person_model="volunteers.Volunteer", parents=("user",),
        children=(("dbs-check", "volunteer_id"), ("reference", "volunteer_id"),
                  ("training-record", "volunteer_id"), ("assignment", "volunteer_id")),
        # Where they live, worked out from the postcode (which is shown): no news to a reader.
        hidden=("latitude", "longitude", "location_is_district"),
        expanders={"availability": _grid}, page="records:volunteer",
        back=_("Back to the volunteer"),
    ),
    Kind(
        "dbs-check", "volunteers.DbsCheck", _("DBS check"), _("DBS checks"),
        scheme="volunteer__scheme_id",
        describe=lambda r: gettext("%(level)s DBS check issued %(day)s")
        % {"level": r.get_level_display(), "day": _day(r.issued_on)},
        person="volunteer_id", person_model="volunteers.Volunteer", parents=("volunteer",),
    ),
    Kind(
        "reference", "volunteers.Reference", _("Reference"), _("References"),
        scheme="volunteer__scheme_id",
        describe=lambda r: gettext("Reference from %(name)s") % {"name": r.referee_name},
        person="volunteer_id", person_model="volunteers.Volunteer", parents=("volunteer",),
    ),
    Kind(
        "training-record", "volunteers.TrainingRecord", _("Training record"), _("Training records"),
        scheme="volunteer__scheme_id",
        describe=lambda r: gettext("Training completed %(day)s") % {"day": _day(r.completed_on)},
        person="volunteer_id", person_model="volunteers.Volunteer", parents=("volunteer",),
    ),
    Kind(
        "assignment", "visits.Assignment", _("Volunteer assignment"), _("Volunteer assignments"),
        scheme="episode__scheme_id",
        describe=lambda r: gettext("Offered %(day)s") % {"day": _day(r.offered_at)},
        person="episode__client_id", person_model="clients.Client",
        parents=("episode", "volunteer"),
    ),
    # accounts
    Kind(
        "user", "accounts.User", _("Team member"), _("Team members"), scheme="scheme_id",
        describe=lambda r: r.full_name or r.email,
        person="id", person_model="accounts.User", children=(("volunteer", "user_id"),),
        page="accounts:team_member_detail", back=_("Back to the team member"),
    ),
)  # fmt: skip


@cache
def kind_for_model(model):
    return next((kind for kind in KINDS.values() if kind.model_class is model), None)


def record_kind(content_type):
    """What a kind of record is called, for the logs ("Client"): its kind's label, else the
    model's own name."""
    model = content_type.model_class()
    kind = kind_for_model(model) if model is not None else None
    return kind.label if kind is not None else content_type.name


@cache
def namers():
    """{model: how to name its records}, for any page naming linked records."""
    return {apps.get_model(label): namer for label, namer in NAMERS.items()}


@dataclass
class Link:
    url: str
    text: str
    deleted: bool = False


@dataclass
class RecordHistory:
    kind: Kind
    title: str
    deleted: bool
    entries: list
    person: object = None  # an unsaved instance with the pk of the person it is about
    page_url: str = ""
    parents: list = field(default_factory=list)
    children: list = field(default_factory=list)  # [(plural label, [Link])]


def record_history(*, kind, pk, viewer):
    """One record's change history for `viewer` (a manager), in a fixed number of queries.

    Http404 for an unknown kind, a record with no history, or one whose latest history row
    belongs to another scheme (or to none).
    """
    entry = KINDS.get(kind)
    if entry is None or not 0 < pk <= LARGEST_ID or viewer.scheme_id is None:
        raise Http404("No such record.")
    model = entry.model_class
    found = {"owner_scheme": F(entry.scheme)}
    if entry.person:
        found["person_pk"] = F(entry.person)
    records = list(
        model.history.filter(id=pk)
        .annotate(**found)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not records or records[-1].owner_scheme != viewer.scheme_id:
        raise Http404("No such record.")
    latest = records[-1]

    names = Names(namers(), viewer.scheme_id)
    parents = [model._meta.get_field(name) for name in entry.parents]
    for parent in parents:
        names.want(parent.related_model, getattr(latest, parent.attname))
    entries = entries_from_records(
        records,
        hidden_fields=entry.hidden,
        names=names,
        expanders=entry.expanders,
        show_created=True,
    )  # reads the names wanted above too

    history = RecordHistory(
        kind=entry,
        title=entry.describe(latest),
        deleted=latest.history_type == "-",
        entries=entries,
    )
    if entry.person and latest.person_pk is not None:
        history.person = apps.get_model(entry.person_model)(pk=latest.person_pk)
    if entry.page and not history.deleted:
        history.page_url = reverse(entry.page, args=[pk])
    for parent in parents:
        parent_pk = getattr(latest, parent.attname)
        parent_kind = kind_for_model(parent.related_model)
        if parent_pk is not None and parent_kind is not None:
            text = f"{parent_kind.label}: {names.name(parent.related_model, parent_pk)}"
            history.parents.append(Link(parent_kind.url(parent_pk), text))
    for child_slug, link in entry.children:
        child = KINDS[child_slug]
        rows = _latest_rows(child.model_class, **{link: pk})
        links = [Link(child.url(r.id), child.describe(r), r.history_type == "-") for r in rows]
        if links:
            history.children.append((child.plural, links))
    return history


def _latest_rows(model, **lookup):
    """The latest history row of each record matching `lookup`, deleted ones too: one query."""
    history = model.history.filter(**lookup)
    latest = history.values("id").annotate(latest=Max("history_id")).values("latest")
    return model.history.filter(history_id__in=latest).order_by("id")
