"""Every URL of the project, for every kind of person: who gets in, who is refused, what leaks.

The URL patterns are discovered from the resolver, so a new URL is covered as soon as it is
added, and fails here until it is classified in ACCESS (who may use it, and how its address
is filled in). Each URL is requested by:

- someone not signed in (sent to the sign-in page, unless the page is public);
- a ward staff member, coordinator, volunteer and manager of scheme A, the scheme whose
  records fill the URL ("ours"): each gets what ACCESS says, 403 if their role may not use
  the page, 404 if it may but the record is not theirs;
- the same four roles in scheme B ("theirs"), for scheme A's records: 404 (or 403 when the
  permission is checked before the record is looked up), and nothing of scheme A in the page.

No refused answer (403, 404, 405, or the redirect to sign in) names a patient or shows an NHS
number, and none changes a row. Every answer, allowed or not, is free of the other scheme's
patients, volunteers and staff; a volunteer's never shows a family name, an NHS number or a client
they neither support nor were offered. POST-only views are also POSTed with no data.

Each scheme is tests/world.py's one record of every kind, its people named from PEOPLE. The two
are built once for the module (inside a transaction rolled back at its end); each case runs in
its own savepoint, so what a case changes is undone before the next.
"""

import logging
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection, transaction
from django.test import Client as Browser
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aligns.accounts.models import Role
from reports.period import Period
from tests.world import PATIENTS, one_of_everything

WARD_STAFF, COORDINATOR = Role.WARD_STAFF.value, Role.COORDINATOR.value
VOLUNTEER, MANAGER = Role.VOLUNTEER.value, Role.MANAGER.value
# Of scheme A's organisation (B's for "other_"), and of no scheme: figures, never a person.
ORGANISATION_MANAGER = Role.ORGANISATION_MANAGER.value
ROLES = (WARD_STAFF, COORDINATOR, VOLUNTEER, MANAGER, ORGANISATION_MANAGER)
EVERYONE = frozenset(ROLES)
ANONYMOUS = "anonymous"
OURS, THEIRS = "A", "B"
# Who asks: someone not signed in; each role of scheme A; each role of scheme B.
WHOS = (ANONYMOUS, *ROLES, *(f"other_{role}" for role in ROLES))

# Distinctive synthetic people, so that finding one in a page can only mean it leaked.
PEOPLE = {
    OURS: {
        "supported": ("Zebedee", "Quartermaine"),
        "offered": ("Araminta", "Fotheringay"),
        "waiting": ("Philomena", "Wolstenholme"),
        "unmatched": ("Hyacinth", "Pennyfeather"),
        "readmitted": ("Peregrine", "Quigglesworth"),
        "volunteer": ("Ignatius", "Pumphrey"),
        "applicant": ("Octavia", "Brocklehurst"),
        # The staff's full names (the volunteer's sign-in has the volunteer's name).
        WARD_STAFF: "Eglantine Marchbanks",
        COORDINATOR: "Percival Thistlewood",
        MANAGER: "Griselda Ashcombe",
        ORGANISATION_MANAGER: "Hortensia Pettigrew",
        "requester": "Wilhelmina Fairbrother",  # asked for an account: waiting for a decision
    },
    THEIRS: {
        "supported": ("Ottoline", "Cholmondeley"),
        "offered": ("Barnabas", "Featherstonehaugh"),
        "waiting": ("Clementine", "Higginbottom"),
        "unmatched": ("Cornelius", "Ravenscroft"),
        "readmitted": ("Seraphina", "Blatherwick"),
        "volunteer": ("Leopold", "Winterbottom"),
        "applicant": ("Lysander", "Tattersall"),
        WARD_STAFF: "Tobias Dunwoody",
        COORDINATOR: "Rosamund Everleigh",
        MANAGER: "Ambrose Kittering",
        ORGANISATION_MANAGER: "Montgomery Sowerbutts",
        "requester": "Evangeline Throckmorton",
    },
}
NHS_BASE = {OURS: 91_000, THEIRS: 92_000}
STAFF_NAMES = (WARD_STAFF, COORDINATOR, MANAGER, ORGANISATION_MANAGER, "requester")


# The pages whose answer is given to someone no longer signed in.
SIGNS_OUT = {"logout"}


# --- Classification ------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """Who may use a URL, read from its view's decorators and the apps' rules.py.

    `ok`: the roles (of the record's own scheme) that get `status`. `not_found`: roles that
    pass the permission but are refused this record (404). Every other role: 403.
    `kwargs(world)` fills the address from a scheme's records; `query(world)` adds a query
    string. `post_only`: a GET is 405 for everyone signed in, and an empty POST gets
    `post_status` for the `ok` roles. `public`: (answer when not signed in, answer when
    signed in) for pages that need no sign-in. `shows`: text the `ok` roles of the scheme
    must see on the page and nobody else may (a sign that scheme A's record was found).
    """

    ok: frozenset = frozenset()
    status: int = 200
    not_found: frozenset = frozenset()
    kwargs: object = None
    query: object = None
    post_only: bool = False
    post_status: int = 302
    public: tuple | None = None
    shows: str = ""

    @property
    def is_object_url(self):
        return self.kwargs is not None and self.public is None

    def url(self, name, world):
        """The URL `name` filled in from `world`'s records."""
        return reverse(name, kwargs=self.kwargs(world) if self.kwargs else None)


def roles(*names):
    return frozenset(names)


def pk(attribute):
    return lambda w: {"pk": getattr(w, attribute).pk}


def client_and(attribute, key):
    return lambda w: {"pk": w.client.pk, key: getattr(w, attribute).pk}


STAFF = roles(COORDINATOR, MANAGER)


def this_quarter(world):
    return {"quarter": Period.quarter_containing(world.today).key}


ACCESS = {
    # The project's own pages.
    "home": Access(ok=EVERYONE, status=302),  # sends each role to its start page
    "healthz": Access(public=(200, 200)),
    "help": Access(ok=EVERYONE),  # the guide to each person's own role
    # English or Welsh: a form's POST from the public pages (tests/aligns/test_welsh.py).
    "language": Access(public=(405, 405)),
    "login": Access(public=(200, 302)),  # redirect_authenticated_user=True
    "logout": Access(ok=EVERYONE, post_only=True),  # POST signs out, then to the sign-in page
    "password_reset": Access(public=(200, 200)),
    "password_reset_done": Access(public=(200, 200)),
    # A made-up link: the page says it is invalid.
    "password_reset_confirm": Access(
        public=(200, 200), kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"}
    ),
    "password_reset_complete": Access(public=(200, 200)),
    # aligns/accounts
    "accounts:account": Access(ok=EVERYONE),
    "accounts:team_list": Access(ok=STAFF),
    "accounts:team_member_detail": Access(ok=STAFF, kwargs=pk("volunteer_user")),
    # Managing the team: coordinators manage ward staff and volunteers (managers everyone).
    "accounts:team_invite": Access(ok=STAFF),
    "accounts:team_member_role": Access(ok=STAFF, kwargs=pk("volunteer_user")),
    "accounts:team_member_deactivate": Access(ok=STAFF, kwargs=pk("volunteer_user")),
    # An active person: "already active", back to their page.
    "accounts:team_member_reactivate": Access(
        ok=STAFF, kwargs=pk("volunteer_user"), post_only=True
    ),
    # They have a password already: refused with a message, back to their page.
    "accounts:team_member_invite_again": Access(
        ok=STAFF, kwargs=pk("volunteer_user"), post_only=True
    ),
    # Requests for an account from ward staff, once their email address is confirmed.
    "accounts:account_requests": Access(ok=STAFF, shows="Wilhelmina Fairbrother"),
    "accounts:account_request_review": Access(
        ok=STAFF, kwargs=pk("account_request"), shows="Wilhelmina Fairbrother"
    ),
    "accounts:account_request_decline": Access(ok=STAFF, kwargs=pk("account_request")),
    # Public: a made-up invitation or confirmation link says it no longer works.
    "accounts:invite_accept": Access(
        public=(200, 200), kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"}
    ),
    "accounts:account_request": Access(public=(200, 200)),
    "accounts:account_request_sent": Access(public=(200, 200)),
    "accounts:account_request_verify": Access(
        public=(200, 200), kwargs=lambda w: {"token": "not-a-token"}
    ),
    # Two-factor sign-in (tests run with ALIGNS_REQUIRE_TWO_FACTOR=false; nobody has an app).
    "accounts:sign_in_code": Access(public=(302, 302)),  # only between password and code
    "accounts:two_factor_setup": Access(public=(302, 200)),  # pending sign-in, or signed in
    "accounts:backup_codes": Access(ok=EVERYONE, status=302),  # no app yet: to the account
    "accounts:two_factor_turn_off": Access(ok=EVERYONE, status=302),  # no app yet: to the account
    # referrals
    "referrals:ward_list": Access(ok=roles(WARD_STAFF)),
    "referrals:create": Access(ok=roles(WARD_STAFF)),
    # Typing the NHS number of a patient already referred: a warning, in one's own scheme only.
    "referrals:check_nhs_number": Access(
        ok=roles(WARD_STAFF),
        query=lambda w: {"nhs_number": w.waiting_referral.nhs_number},
        shows="already has a referral",
    ),
    "referrals:queue": Access(ok=roles(COORDINATOR)),
    "referrals:detail": Access(ok=roles(WARD_STAFF, COORDINATOR), kwargs=pk("referral")),
    "referrals:accept": Access(
        ok=roles(COORDINATOR), kwargs=pk("waiting_referral"), post_only=True
    ),
    "referrals:decline": Access(ok=roles(COORDINATOR), kwargs=pk("waiting_referral")),
    "referrals:withdraw": Access(ok=roles(WARD_STAFF), kwargs=pk("waiting_referral")),
    "referrals:discharge": Access(ok=roles(WARD_STAFF, COORDINATOR), kwargs=pk("referral")),
    "referrals:fhir": Access(ok=roles(COORDINATOR), kwargs=pk("referral")),
    # clients
    "clients:list": Access(ok=STAFF),
    "records:client": Access(ok=STAFF, kwargs=pk("client")),
    "clients:edit": Access(ok=roles(COORDINATOR), kwargs=pk("client")),
    "clients:consent": Access(ok=roles(COORDINATOR), kwargs=pk("client")),
    "clients:assessment_new": Access(
        ok=roles(COORDINATOR), kwargs=pk("client"), post_only=True
    ),  # to the draft's answers
    "clients:assessment": Access(ok=STAFF, kwargs=client_and("assessment", "assessment_pk")),
    "clients:assessment_edit": Access(
        ok=roles(COORDINATOR), kwargs=client_and("assessment", "assessment_pk")
    ),
    "clients:assessment_second": Access(
        ok=STAFF, kwargs=client_and("assessment", "assessment_pk"), post_only=True
    ),  # a draft needs no second sign-off: refused with a message, back to the assessment
    "clients:reassessment": Access(ok=roles(COORDINATOR), kwargs=pk("client")),
    "clients:goal_new": Access(ok=roles(COORDINATOR), kwargs=pk("client")),
    "clients:goal_review": Access(ok=roles(COORDINATOR), kwargs=client_and("goal", "goal_pk")),
    # The page, and the copy as JSON (the PDF is the same data through WeasyPrint).
    "records:subject_access": Access(
        ok=STAFF, kwargs=pk("client"), query=lambda w: {"format": "json"}
    ),
    "clients:measure_new": Access(
        ok=roles(COORDINATOR), kwargs=lambda w: {"pk": w.client.pk, "instrument": "ucla3"}
    ),
    # volunteers
    "records:volunteers": Access(ok=STAFF),
    "volunteers:new": Access(ok=roles(COORDINATOR)),
    "records:volunteer": Access(ok=STAFF, kwargs=pk("volunteer")),
    "volunteers:edit": Access(ok=roles(COORDINATOR), kwargs=pk("volunteer")),
    "volunteers:stage": Access(ok=roles(COORDINATOR), kwargs=pk("volunteer")),
    "volunteers:dbs": Access(ok=roles(COORDINATOR), kwargs=pk("volunteer")),
    "volunteers:reference": Access(ok=roles(COORDINATOR), kwargs=pk("volunteer")),
    "volunteers:training": Access(ok=roles(COORDINATOR), kwargs=pk("volunteer")),
    # A volunteer on the books without a sign-in (the linked one's page is a 404).
    "volunteers:invite": Access(ok=roles(COORDINATOR), kwargs=pk("applicant")),
    # A client nobody is offered to yet, so the shortlist is worked out, ineligible shown too.
    "visits:match": Access(
        ok=roles(COORDINATOR),
        kwargs=pk("unmatched_episode"),
        query=lambda w: {"ineligible": "1"},
    ),
    # No volunteer chosen in the empty POST: get_visible_or_404(Volunteer, pk=0) is a 404.
    "visits:offer": Access(
        ok=roles(COORDINATOR), kwargs=pk("episode"), post_only=True, post_status=404
    ),
    "visits:offer_withdraw": Access(ok=roles(COORDINATOR), kwargs=pk("offered_episode")),
    # The world's episode is supported by its volunteer: theirs to hand over.
    "visits:support_hand_over": Access(ok=roles(COORDINATOR), kwargs=pk("episode")),
    "volunteers:me": Access(ok=roles(VOLUNTEER)),
    "volunteers:availability": Access(ok=roles(VOLUNTEER)),
    "visits:offer_accept": Access(
        ok=roles(VOLUNTEER), kwargs=pk("offer"), post_only=True
    ),  # the offer was made to scheme A's volunteer
    "visits:offer_decline": Access(ok=roles(VOLUNTEER), kwargs=pk("offer")),
    # visits
    "visits:today": Access(ok=roles(VOLUNTEER)),
    # What a phone needs to keep a volunteer's pages offline: nothing personal, fetched by
    # the browser without cookies.
    "visits:offline_worker": Access(public=(200, 200)),
    "visits:manifest": Access(public=(200, 200)),
    # Scheme A's volunteer is offered the "offered" client: only they see it.
    "visits:offers": Access(ok=roles(VOLUNTEER)),
    "visits:board": Access(ok=STAFF),
    "visits:work_queue": Access(ok=STAFF),
    "visits:alert_ack": Access(ok=roles(COORDINATOR), kwargs=pk("alert"), post_only=True),
    "visits:episode": Access(ok=STAFF, kwargs=pk("episode")),
    # The volunteer supports this episode (an accepted assignment).
    "visits:log": Access(ok=roles(VOLUNTEER, COORDINATOR), kwargs=pk("episode")),
    "visits:extend": Access(ok=roles(COORDINATOR), kwargs=pk("episode")),
    "visits:readmit": Access(ok=roles(COORDINATOR), kwargs=pk("episode")),
    "visits:return_home": Access(ok=roles(COORDINATOR), kwargs=pk("episode")),
    "visits:close": Access(ok=roles(COORDINATOR), kwargs=pk("episode")),
    "visits:share_summary": Access(ok=roles(COORDINATOR), kwargs=pk("episode")),
    "visits:visit_new": Access(ok=roles(VOLUNTEER, COORDINATOR), kwargs=pk("episode")),
    "visits:concern": Access(ok=STAFF, kwargs=pk("concern")),
    # Only for whoever raised the concern (the volunteer): a coordinator passes the
    # permission (visits.log_contact) but the lookup is by raised_by, so 404.
    "visits:concern_sent": Access(
        ok=roles(VOLUNTEER), not_found=roles(COORDINATOR), kwargs=pk("concern")
    ),
    "visits:onward_new": Access(ok=roles(COORDINATOR), kwargs=pk("episode")),
    # No outcome in the empty POST: "Choose an outcome", back to the episode.
    "visits:onward_outcome": Access(ok=roles(COORDINATOR), kwargs=pk("onward"), post_only=True),
    "visits:directory": Access(ok=STAFF),
    "visits:service_new": Access(ok=roles(COORDINATOR)),
    "visits:service_edit": Access(ok=roles(COORDINATOR), kwargs=pk("service")),
    # reports (both schemes let coordinators see reports: see tests/world.py)
    "reports:dashboard": Access(ok=roles(MANAGER)),
    # A POST asks for a large report to be worked out again (tests/reports/
    # test_large_report_page.py); without a period, back to the report page.
    "reports:report": Access(ok=STAFF),
    # An empty POST is an invalid export form: 400, the report page with its errors.
    "reports:export": Access(ok=STAFF, post_only=True, post_status=400),
    # A queued file is only for the person who asked (the manager): a coordinator may see
    # reports, and an organisation manager follow their own reports' progress, but neither
    # this file's.
    "reports:export_status": Access(
        ok=roles(MANAGER), not_found=roles(COORDINATOR, ORGANISATION_MANAGER), kwargs=pk("export")
    ),
    "reports:export_download": Access(
        ok=roles(MANAGER), not_found=roles(COORDINATOR), kwargs=pk("export")
    ),
    "reports:settings": Access(ok=roles(MANAGER)),
    # An organisation's figures: its own schemes', for its organisation managers only.
    "reports:organisation": Access(ok=roles(ORGANISATION_MANAGER), query=this_quarter),
    "reports:organisation_scheme": Access(
        ok=roles(ORGANISATION_MANAGER),
        kwargs=lambda w: {"slug": w.scheme.slug},
        query=this_quarter,
    ),
    # All its schemes' commissioner report together: whoever asks sees their own
    # organisation's (B's organisation manager sees B's, and nothing of A's).
    "reports:organisation_report": Access(ok=roles(ORGANISATION_MANAGER), query=this_quarter),
    # aligns/outbox
    "outbox:messages": Access(ok=roles(MANAGER)),
    # aligns/audit
    "records:audit": Access(ok=roles(MANAGER)),  # what each audit page holds
    "records:access_log": Access(ok=roles(MANAGER)),
    "records:sharing_log": Access(ok=roles(MANAGER)),
    # One record's change history: every kind is looked up the same way (its own tests are in
    # tests/audit/test_history_view.py).
    "records:history": Access(
        ok=roles(MANAGER), kwargs=lambda w: {"kind": "client", "pk": w.client.pk}
    ),
}

# URL namespaces not walked here, with why. Nothing else may be left out.
SKIPPED_NAMESPACES = {
    # Django's admin: for platform administrators (is_staff), never a scheme role; that no
    # role gets into it is test_no_role_gets_into_the_admin below.
    "admin",
}

# Cases where what the app does today is a security hole: (url name, who) -> the hole.
# Each is an xfail(strict=True), so fixing the hole makes the case pass and the test fail
# until its entry is removed here.
HOLES = {}


# --- Discovering the URLs ------------------------------------------------------------------


def _walk(patterns, namespace=None, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if entry.name is None:
                yield f"<unnamed: {route}>", route, entry
            else:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), route, entry


def discovered_urls():
    """{url name: (route, its path converters)} for every URL pattern of the project."""
    found = {}
    for name, route, pattern in _walk(get_resolver().url_patterns):
        converters = set(getattr(pattern.pattern, "converters", {}))
        found.setdefault(name, []).append((route, converters))
    return found


URLS = discovered_urls()


# --- The two schemes -----------------------------------------------------------------------


def build_world(side):
    """Scheme `side`'s one of everything (tests/world.py), its people from PEOPLE[side], and
    what of it must never reach anyone outside the scheme."""
    names = PEOPLE[side]
    world = one_of_everything(nhs_base=NHS_BASE[side], names=names)
    nhs_numbers = [
        form  # as typed, and as pages show it ("999 123 4567")
        for p in world.referrals.values()
        for form in (p.nhs_number, f"{p.nhs_number[:3]} {p.nhs_number[3:6]} {p.nhs_number[6:]}")
    ]
    # Its patients.
    world.patient_names = [n for key in PATIENTS for n in names[key]]
    world.nhs_numbers = nhs_numbers
    # Its volunteers and staff.
    world.people = [*names["volunteer"], *names["applicant"], *(names[k] for k in STAFF_NAMES)]
    # A volunteer sees the first names of the clients they support or are offered; never a
    # family name, an NHS number or anyone else.
    world.hidden_from_volunteer = [
        n for key in PATIENTS for n in names[key][key in ("supported", "offered") :]
    ] + nhs_numbers
    return world


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    """Schemes A and B, built once, inside a transaction undone after the module."""
    fast = [f"{MD5PasswordHasher.__module__}.{MD5PasswordHasher.__name__}"]
    # Hundreds of 403s and 404s on purpose: Django's warning for each (with a traceback) would
    # only slow the module down. Errors (a 500) are still logged.
    requests_log = logging.getLogger("django.request")
    level = requests_log.level
    requests_log.setLevel(logging.ERROR)
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        built = {OURS: build_world(OURS), THEIRS: build_world(THEIRS)}
        # Sign everyone in once: each case reuses the session (and undoes what it does to it).
        for world in built.values():
            world.sessions = {}
            for role, user in world.users.items():
                browser = Browser()
                browser.force_login(user)
                world.sessions[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)
    requests_log.setLevel(level)


# --- Checking ------------------------------------------------------------------------------

# Sessions change on every request (SESSION_SAVE_EVERY_REQUEST); everything else must not.
NOT_SNAPSHOT = {"django_session"}


def _tables():
    names = set(connection.introspection.django_table_names(only_existing=True))
    return [connection.ops.quote_name(name) for name in sorted(names - NOT_SNAPSHOT)]


def snapshot(*, full):
    """Every row of every table (history, access and sharing logs included), by raw SQL;
    or, if not `full`, how many rows each has, in one query (enough for a GET: whatever
    a GET might wrongly write, a log entry or a history row, is a new row)."""
    with connection.cursor() as cursor:
        tables = _tables()
        if not full:
            cursor.execute(
                " UNION ALL ".join(f"SELECT {n}, COUNT(*) FROM {t}" for n, t in enumerate(tables))  # noqa: S608
            )
            return dict(cursor.fetchall())
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            rows[table] = cursor.fetchall()
        return rows


def changed_tables(before, after):
    tables = _tables()
    return sorted(
        str(tables[t]) if isinstance(t, int) else t for t in before if before[t] != after[t]
    )


def body(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


def who_is(who):
    """(scheme side, role) of a WHOS entry; (None, None) for someone not signed in."""
    if who == ANONYMOUS:
        return None, None
    if who.startswith("other_"):
        return THEIRS, who.removeprefix("other_")
    return OURS, who


def expected(access, who, method):
    """The status `who` must get for `method` on a URL filled with scheme A's records."""
    side, role = who_is(who)
    if access.public is not None:
        return access.public[0 if side is None else 1]
    if side is None:
        return 302  # to the sign-in page
    if access.post_only and method == "GET":
        return 405  # require_POST answers before anything else
    allowed_status = access.post_status if method == "POST" else access.status
    passes_permission = role in access.ok | access.not_found
    if not passes_permission:
        return 403
    if side == THEIRS and access.is_object_url:
        return 404  # another scheme's record is not found
    if role in access.not_found:
        return 404
    return allowed_status


def is_refused(status, who):
    return who == ANONYMOUS or status in (403, 404, 405)


def cases():
    for name in sorted(URLS):
        for who in WHOS:
            marks = ()
            if (name, who) in HOLES:
                marks = pytest.mark.xfail(strict=True, reason=HOLES[name, who])
            yield pytest.param(name, who, id=f"{name}|{who}", marks=marks)


def _check(response, *, name, who, method, status, leaks):
    """Check the status and that no secret is in the page; the page's text."""
    text = body(response)
    assert response.status_code == status, (
        f"{method} {name} as {who}: {response.status_code}, expected {status}"
    )
    if status == 302 and who == ANONYMOUS:
        assert response["Location"].startswith(reverse("login") + "?next="), response["Location"]
    found = [secret for secret in leaks if secret in text]
    assert not found, f"{method} {name} as {who} ({status}) shows {found}"
    return text


@pytest.mark.parametrize(("name", "who"), list(cases()))
def test_access(name, who, worlds, client, db):
    if name not in ACCESS:
        pytest.fail(
            f"{name} ({URLS[name][0][0]}) is not classified: classify this URL in ACCESS "
            "(who may use it and how its address is filled in)"
        )
    access = ACCESS[name]
    ours, theirs = worlds[OURS], worlds[THEIRS]
    for route, converters in URLS[name]:
        if converters and access.kwargs is None:
            pytest.fail(f"{name} ({route}) needs {sorted(converters)}: give it kwargs in ACCESS")
    url = access.url(name, ours)
    query = access.query(ours) if access.query else None

    side, role = who_is(who)
    if side is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = worlds[side].sessions[role]

    # What must never appear: the other scheme's people; for someone not signed in, anyone's.
    strangers = {OURS: [theirs], THEIRS: [ours], None: [ours, theirs]}[side]
    other_people = [
        secret
        for world in strangers
        for secret in (*world.patient_names, *world.nhs_numbers, *world.people)
    ]
    any_patient = [s for w in (ours, theirs) for s in (*w.patient_names, *w.nhs_numbers)]
    if role == VOLUNTEER:
        other_people += worlds[side].hidden_from_volunteer
    if role == ORGANISATION_MANAGER:  # figures only, their own schemes' people included
        own = worlds[side]
        other_people += [*own.patient_names, *own.nhs_numbers, *own.people]
        other_people.remove(PEOPLE[side][ORGANISATION_MANAGER])  # their own name, in the header

    methods = ("GET", "POST") if access.post_only else ("GET",)
    for method in methods:
        status = expected(access, who, method)
        refused = is_refused(status, who) and access.public is None
        before = snapshot(full=method == "POST") if refused else None
        response = client.get(url, query) if method == "GET" else client.post(url, {})
        text = _check(
            response, name=name, who=who, method=method, status=status,
            leaks=other_people + (any_patient if refused else []),
        )  # fmt: skip
        if side is not None and name not in SIGNS_OUT:
            # Nothing a signed-in person is shown stays in a shared PC's browser cache.
            cache = response.get("Cache-Control", "")
            assert "no-store" in cache and "private" in cache, f"{method} {name} as {who}: {cache}"
        if access.shows:
            shown = access.shows in text
            should = side == OURS and role in access.ok and method == "GET"
            assert shown == should, f"{method} {name} as {who}: '{access.shows}' shown: {shown}"
        if refused:
            changed = changed_tables(before, snapshot(full=method == "POST"))
            assert not changed, f"{method} {name} as {who} was refused but changed {changed}"


# --- The classification itself -------------------------------------------------------------


def test_every_url_is_classified():
    missing = sorted(name for name in URLS if name not in ACCESS)
    assert not missing, f"classify this URL in ACCESS: {', '.join(missing)}"


def test_every_classification_is_a_url():
    stale = sorted(name for name in ACCESS if name not in URLS)
    assert not stale, f"no such URL any more, remove from ACCESS: {', '.join(stale)}"


def test_every_role_is_in_the_matrix():
    assert set(ROLES) == set(Role.values), "a new role: add it to ROLES and classify it"


def test_every_hole_is_a_case():
    stale = sorted(case for case in HOLES if case[0] not in URLS or case[1] not in WHOS)
    assert not stale, f"no such case, remove from HOLES: {stale}"


def mixed_cases():
    """URLs naming two records (a client and one of theirs): each role that may use it."""
    for name in sorted(set(URLS) & set(ACCESS)):
        if any(len(converters) > 1 for _route, converters in URLS[name]):
            for role in sorted(ACCESS[name].ok):
                yield pytest.param(name, role, id=f"{name}|{role}")


@pytest.mark.parametrize(("name", "role"), list(mixed_cases()))
def test_our_record_with_another_schemes_inside_it_is_not_found(name, role, worlds, client, db):
    """Our client's address with the other scheme's assessment or goal: 404, nothing changed."""
    access = ACCESS[name]
    ours, theirs = access.kwargs(worlds[OURS]), access.kwargs(worlds[THEIRS])
    client.cookies[settings.SESSION_COOKIE_NAME] = worlds[OURS].sessions[role]
    for key in ours.keys() - {"pk"}:
        if ours[key] == theirs[key]:
            continue  # not a record (the instrument's code)
        url = reverse(name, kwargs={**ours, key: theirs[key]})
        before = snapshot(full=True)
        response = client.post(url, {}) if access.post_only else client.get(url)
        assert response.status_code == 404, f"{url} as {role}: {response.status_code}"
        assert not changed_tables(before, snapshot(full=True))
        leaked = [s for s in worlds[THEIRS].patient_names if s in body(response)]
        assert not leaked


@pytest.mark.parametrize("role", ROLES)
def test_no_role_gets_into_the_admin(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
