"""Hostile input to every form: never a server error, markup shown escaped, nothing half saved.

Every URL whose view accepts POST (no require_POST/require_GET saying otherwise) is listed
below: in FORMS, attacked, or in NOT_FORMS with why it is not a form (a page that reads
nothing from a POST; junk is posted to it anyway). test_every_url_that_accepts_post_is_listed
fails for a new URL until it is listed, so a new form is attacked as soon as it exists.
Forms sent in the query string (filters, searches) are in GET_FORMS and attacked the same way.

Each form's page is fetched once, as the role that uses it, and the names and offered values
of its inputs, selects, textareas and buttons are read from the HTML. A submission the view
accepts (the page's own values with `valid` laid over them) is sent first and must get the
case's `ok` answer, so the hostile ones built from it reach the services. Hypothesis then
replaces one, a few or all of the fields (and adds unknown ones, or leaves some out) with
hostile values: strings of 10,000 to 20,000 characters, Unicode (emoji, right-to-left,
combining marks, zero-width), NUL characters, bytes that are not UTF-8, markup, SQL
fragments, numbers out of range, empty values, and lists for single fields. Every answer:

- is not a server error: no 500 and no exception (the traceback is in the failure message);
- shows markup escaped: the raw payloads never appear in an HTML answer, nor in the page a
  redirect leads to, where whatever was saved is shown; no javascript: links (and
  test_markup_saved_through_the_forms_is_shown_escaped_on_every_page saves markup through
  every form's free-text fields, then looks at every page);
- saves nothing if it refuses (the form again with errors, a 4xx, or a redirect to a page
  with an error message): no table is written, apart from the case's `may_write` (axes'
  sign-in failure logs) and what a plain GET of the page writes too (the access log).

The tests run on SQLite, which takes what PostgreSQL refuses, so PostgreSQL's limits are
applied by hand: a query parameter with a NUL character raises, as psycopg2 does; every row
written must fit its column (varchar lengths, smallint and integer ranges); and model
integer validators (which ModelForms run) use PostgreSQL's ranges rather than SQLite's.

The world (tests/world.py's one record of every kind, and the people and records only these
forms need) is built once for the module, inside a transaction rolled back at its end. Each
submission runs in a savepoint rolled back after it, with the same session cookies, so every
example finds the same world; @given sits on a function inside each test, so no
function-scoped fixture is shared between examples. Hypothesis runs derandomized, without
shrinking or an example database: a run is repeatable (its caches go under var/). A defect
found is an entry in DEFECTS (a strict xfail) with the submissions that show it, sent before
the random ones, so it fails the same way every run. ALIGNS_HOSTILE_EXAMPLES=50 runs more
examples per form; ALIGNS_HOSTILE_RANDOM=1 explores new ones.
"""

import copy
import datetime
import os
import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.tokens import default_token_generator
from django.core.signals import got_request_exception
from django.db import connection, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.functions import Length
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from aligns.accounts import two_factor
from aligns.accounts.models import Role
from aligns.accounts.services import (
    account_request_receive,
    account_request_submit,
    user_create,
)
from aligns.accounts.tokens import account_request_token, invite_link_parts
from clients.assessment import RiskLevel
from clients.services import assessment_save_answers, assessment_sign_off, assessment_start
from reports.period import Period
from tests.clients.conftest import answers
from tests.factories import TEST_PASSWORD, VolunteerFactory
from tests.world import one_of_everything

# Examples per form (POST), per query-string form, and per page without a form.
EXAMPLES = int(os.environ.get("ALIGNS_HOSTILE_EXAMPLES", "6"))
GET_EXAMPLES = max(2, EXAMPLES // 2)
JUNK_EXAMPLES = max(1, EXAMPLES // 4)
RANDOM = os.environ.get("ALIGNS_HOSTILE_RANDOM") == "1"

# Hypothesis caches Unicode tables and constants on disk: under var/ with the project's other
# run-time files, not in a .hypothesis directory at the top of the project.
set_hypothesis_home_dir(django_settings.VAR_DIR / "hypothesis")


def hypothesis_settings(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=not RANDOM,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
        print_blob=False,
    )


# --- Hostile values --------------------------------------------------------------------------

# Raw markup that must never come back unescaped; each is recognised by its start.
MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
)
MARKUP_SIGNS = ("<script>alert(", "<img src=x onerror=", "<svg/onload=")
SQL = (
    "'; DROP TABLE clients_client; --",
    "1' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(10)--",
    "%",
    "_%\\",
    "' UNION SELECT password FROM accounts_user --",
)
NUMBERS = (
    "99999999999999999999",
    "-1",
    "-0",
    "0",
    "32768",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "1E-400",
    "NaN",
    "sNaN",
    "1e999999999",
    "Infinity",
    "-inf",
    "1.5",
    "0x10",
    "1_000",
    "\uff14\uff12",  # fullwidth 42
    "\u0664\u0662",  # Arabic-Indic 42
    "\u00b2",  # superscript two: isdigit() is True, int() refuses it
    "9" * 5000,  # longer than Python's int() accepts from a string
)
SPECIAL = (
    "\x00",
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte order mark
    "\u202e",  # right-to-left override
    "\u2028",  # line separator
    "\u0301",  # combining acute accent
    "Z\u0335\u0321\u0322\u031b",  # stacked combining marks
    "\U0001f475\U0001f3fd",  # emoji with skin tone
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family emoji (joined)
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic
    "\U0001d7d8",  # mathematical double-struck zero
    "\ufffd",
    "\U0010ffff",
    "\x7f",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\xa0",
    "O'Donnell",
    "\\",
    "{{ 7|add:7 }}{% debug %}",
    '=HYPERLINK("http://x")',
)

# Sent as raw bytes: not UTF-8 at all (a lone continuation byte, an overlong slash, an
# encoded surrogate).
NOT_UTF8 = (b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"caf\xe9", b"\x80")

characters = st.characters(codec="utf-8")
pieces = st.one_of(characters, st.sampled_from(SPECIAL))
some_text = st.lists(pieces, max_size=30).map("".join)
payloads = st.sampled_from(MARKUP + SQL + NUMBERS + SPECIAL)


@st.composite
def long_strings(draw):
    unit = draw(st.one_of(payloads, st.text(alphabet=characters, min_size=1, max_size=5)))
    length = draw(st.integers(min_value=10_000, max_value=20_000))
    return (unit * (length // len(unit) + 1))[:length]


@st.composite
def mixed(draw, valid):
    """Something plausible with something hostile around it."""
    base = draw(st.sampled_from(valid)) if valid else draw(some_text)
    extra = draw(st.one_of(payloads, some_text))
    return draw(st.sampled_from([base + extra, extra + base, base + extra + base]))


def hostile_scalars(valid=(), long=True):
    short_ones = st.one_of(
        payloads,
        some_text,
        mixed(valid),
        st.sampled_from(["", " ", "\x00", "\n\n"]),
        st.sampled_from(NOT_UTF8),
        st.integers(min_value=-(2**80), max_value=2**80).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )
    return st.one_of(short_ones, long_strings()) if long else short_ones


def hostile_values(valid=(), long=True):
    """One value for a field, or a list of them (for fields that take one value)."""
    scalar = hostile_scalars(valid, long)
    return st.one_of(scalar, scalar, scalar, st.lists(scalar, min_size=2, max_size=4))


junk_names = st.one_of(
    st.sampled_from(["id", "pk", "scheme", "user", "status", "created_by", "is_staff", "role"]),
    st.lists(pieces, min_size=1, max_size=10).map("".join),
)


# What a form may well accept and save, to be shown again: markup, SQL and awkward Unicode,
# short enough for most columns, no NUL.
storable = (
    st.lists(st.sampled_from([p for p in MARKUP + SQL + SPECIAL if "\x00" not in p]),
             min_size=1, max_size=3)
    .map("".join)
    .map(lambda text: text[:90])
)  # fmt: skip


@st.composite
def hostile_submissions(draw, fields, base, typed=()):
    """`base` with one, a few or all of `fields` replaced by hostile values, maybe some left
    out, maybe unknown fields added.

    "saved": one or two typed fields get markup, SQL or Unicode a form may well accept, the
    rest stay valid, so the submission is likely to be saved and shown again. "one": one field,
    any hostile value. "every": all fields at once, short values only (long strings in every
    field make slow pages, and find nothing that one long field does not).
    """
    data = dict(base)
    names = sorted(fields)
    if names:
        modes = ["saved", "one", "a few", "every"] if typed else ["one", "one", "a few", "every"]
        how_many = draw(st.sampled_from(modes))
        every_field = how_many == "every"
        if every_field:
            chosen = names
        elif how_many == "saved":
            chosen = draw(st.lists(st.sampled_from(typed), min_size=1, max_size=2, unique=True))
        else:
            size = 1 if how_many == "one" else 3
            chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=size, unique=True))
        for name in chosen:
            offered = tuple(v for v in fields[name] if v)
            if how_many == "saved":
                data[name] = draw(storable)
            else:
                data[name] = draw(hostile_values(offered, long=not every_field))
        if draw(st.booleans()):
            for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
                data.pop(name, None)  # left out altogether
    for name in draw(st.lists(junk_names, max_size=2, unique=True)):
        if name not in data:
            data[name] = draw(hostile_values())
    return data


# --- PostgreSQL's limits, applied to SQLite --------------------------------------------------


class PostgreSQLWouldRefuse(ValueError):
    """What psycopg2 raises for a NUL character in a string parameter."""


def _refuses(value):
    if isinstance(value, str):
        # PostgreSQL text cannot hold NUL; jsonb refuses the escaped form of it too.
        return "\x00" in value or (value[:1] in '{["' and "\\u0000" in value)
    if isinstance(value, bytes | bytearray | memoryview):
        return False
    if isinstance(value, list | tuple):
        return any(_refuses(item) for item in value)
    return False


WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


class DatabaseWatch:
    """An execute wrapper: refuses NUL as psycopg2 does and notes every table written."""

    def __init__(self):
        self.written = set()

    def __call__(self, execute, sql, params, many, context):
        for row in (params or ()) if many else [params or ()]:
            if _refuses(list(row.values()) if isinstance(row, dict) else row):
                raise PostgreSQLWouldRefuse(
                    "A string literal cannot contain NUL (0x00) characters (as psycopg2 says); "
                    f"query: {sql[:200]}"
                )
        written = WRITE.match(sql)
        if written:
            self.written.add(written.group(1))
        return execute(sql, params, many, context)


PG_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def _models_by_table():
    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def too_big_for_postgresql(tables):
    """Rows in `tables` that PostgreSQL would have refused: strings longer than their varchar,
    integers outside their column's range. [(table, pk, field, what)]"""
    by_table = _models_by_table()
    found = []
    for table in sorted(tables):
        model = by_table.get(table)
        if model is None:
            continue
        lengths, conditions, checks = {}, models.Q(), []
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField) and f.max_length:
                alias = f"_length_{f.attname}"
                lengths[alias] = Length(f.attname)
                conditions |= models.Q(**{f"{alias}__gt": f.max_length})
                checks.append((f.attname, alias, f.max_length))
            elif f.get_internal_type() in PG_INTEGER_RANGES and not f.primary_key:
                low, high = PG_INTEGER_RANGES[f.get_internal_type()]
                conditions |= models.Q(**{f"{f.attname}__gt": high})
                conditions |= models.Q(**{f"{f.attname}__lt": low})
                checks.append((f.attname, None, (low, high)))
        if not checks:
            continue
        rows = model._base_manager.alias(**lengths).annotate(**lengths).filter(conditions)
        for row in rows.values("pk", *lengths, *(name for name, alias, _ in checks if not alias)):
            for name, alias, limit in checks:
                if alias and (row[alias] or 0) > limit:
                    found.append(
                        (table, row["pk"], name, f"{row[alias]} characters, limit {limit}")
                    )
                elif not alias and row[name] is not None and not limit[0] <= row[name] <= limit[1]:
                    found.append((table, row["pk"], name, f"{row[name]} outside {limit}"))
    return found


def _forget_integer_validators():
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.get_fields():
            if isinstance(f, models.IntegerField):
                f.__dict__.pop("validators", None)


@pytest.fixture(scope="module")
def postgresql_integer_ranges():
    """Model validators (run by ModelForms) check PostgreSQL's integer ranges, not SQLite's."""
    ops = connection.ops
    ops.integer_field_range = lambda internal_type: PG_INTEGER_RANGES[internal_type]
    _forget_integer_validators()
    yield
    del ops.integer_field_range
    _forget_integer_validators()


# --- The world -------------------------------------------------------------------------------


def build_world():
    """One record of every kind (tests/world.py), and what only these forms need."""
    world = one_of_everything(nhs_base=93_000)
    scheme, today = world.scheme, world.today
    coordinator = world.users[Role.COORDINATOR]
    world.users = users = SimpleNamespace(
        **world.users,
        # Signs in with an authenticator app, and has backup codes.
        two_factor=VolunteerFactory(scheme=scheme),
        # Someone to deactivate, and someone deactivated already.
        leaver=VolunteerFactory(scheme=scheme),
        deactivated=VolunteerFactory(scheme=scheme, is_active=False),
    )
    TOTPDevice.objects.create(user=users.two_factor, name="Authenticator app", confirmed=True)
    two_factor.replace_backup_codes(users.two_factor)
    # Invited by email, no password chosen yet.
    users.invited = user_create(
        email="invited@example.org", full_name="Ivy Invited", role=Role.VOLUNTEER,
        scheme=scheme, by=coordinator, invited=True,
    )  # fmt: skip
    # Asked for an account, and not yet confirmed the address (the world's request has).
    unconfirmed = account_request_submit(
        scheme=scheme, full_name="Una Unconfirmed", email="unconfirmed@example.org",
        job_title="Staff nurse", workplace="Ward 1", site="http://testserver",
    )  # fmt: skip
    unconfirmed = account_request_receive(account_request_id=unconfirmed.pk)  # the worker's check
    world.request_token = account_request_token(unconfirmed)
    # Signed-off risk assessments: one to reassess, and a high risk that waits for a second
    # sign-off.
    for other, level in ((world.unmatched_episode.client, RiskLevel.LOW),
                         (world.offered_episode.client, RiskLevel.HIGH)):  # fmt: skip
        signed = assessment_start(client=other, by=coordinator)
        changes = {"aggression": "yes"} if level == RiskLevel.HIGH else {}
        assessment_save_answers(assessment=signed, answers=answers(**changes), by=coordinator)
        assessment_sign_off(assessment=signed, level=level, reason="", by=coordinator)
    world.awaiting_second = signed
    world.quarter = Period.quarter_containing(today).key
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, postgresql_integer_ranges):
    """Built once, inside a transaction undone after the module."""
    fast = [f"{MD5PasswordHasher.__module__}.{MD5PasswordHasher.__name__}"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


# --- The forms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """How to reach one form, and a submission it accepts.

    `role`: who submits it (an attribute of world.users; None for someone not signed in).
    `kwargs(world)`: the URL's arguments. `page`: (url name, kwargs(world), query) of the page
    showing the form, when it is not the form's own URL. `start(client, world)`: steps before
    the form (the password before the code); returns the form's URL. `fields`: field names
    to post even if the page shows no input for them. `valid(world)`: values laid over the
    page's own that make a submission the view accepts, answered with `ok`. `may_write`:
    tables a refused submission may still write, and why.
    """

    role: str | None
    kwargs: object = None
    valid: object = None
    ok: int = 302
    page: tuple | None = None
    start: object = None
    fields: tuple = ()
    may_write: dict = field(default_factory=dict)


def pk(attribute):
    return lambda w: {"pk": getattr(w, attribute).pk}


def client_and(attribute, key):
    return lambda w: {"pk": w.client.pk, key: getattr(w, attribute).pk}


def date_parts(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}  # fmt: skip


def today_parts(name, days=0):
    return lambda w: date_parts(name, w.today + datetime.timedelta(days=days))


def merged(*parts):
    def make(w):
        data = {}
        for part in parts:
            data.update(part(w) if callable(part) else part)
        return data

    return make


def fresh(instance):
    return type(instance)._base_manager.get(pk=instance.pk)


def pending_sign_in(client, world):
    """The password step for someone with an authenticator app: the code step comes next."""
    response = client.post(
        reverse("login"), {"username": world.users.two_factor.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:sign_in_code"), response
    return reverse("accounts:sign_in_code")


def reset_link(client, world):
    """The link in a password reset email: it leads to the page for a new password."""
    user = fresh(world.users.volunteer)  # as stored: the token depends on last_login
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.get(reverse("password_reset_confirm", args=[uid, token]))
    assert response.status_code == 302, response
    return response["Location"]


def invitation_link(client, world):
    """The link in an invitation email: it leads to the page for a first password."""
    response = client.get(
        reverse("accounts:invite_accept", args=invite_link_parts(fresh(world.users.invited)))
    )
    assert response.status_code == 302, response
    return response["Location"]


def user_pk(name):
    return lambda w: {"pk": getattr(w.users, name).pk}


SIGN_IN_FAILURES = {
    "axes_accessattempt": "a failed sign-in is counted for the lockout",
    "axes_accessfailurelog": "and logged",
}
WRONG_CODES = {
    **SIGN_IN_FAILURES,
    "otp_totp_totpdevice": "django-otp slows down guessing after a wrong code",
    "otp_static_staticdevice": "for backup codes too",
}
NEW_PASSWORD = "a-brand-new-long-password"

FORMS = {
    # Signing in and accounts.
    "login": Form(
        None,
        valid=lambda w: {"username": w.users.volunteer.email, "password": TEST_PASSWORD},
        may_write=SIGN_IN_FAILURES,
    ),
    "logout": Form("volunteer", page=("accounts:account", None, None), valid={}),
    "password_reset": Form(None, valid=lambda w: {"email": w.users.volunteer.email}),
    "password_reset_confirm": Form(
        None, start=reset_link, valid={"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    ),
    "accounts:account": Form("volunteer", valid={}),
    # The public pages' English/Welsh switch, in the sign-in page's footer.
    "language": Form(None, page=("login", None, None), valid={"language": "cy"}),
    "accounts:sign_in_code": Form(None, start=pending_sign_in, may_write=WRONG_CODES),
    "accounts:two_factor_setup": Form("volunteer", may_write=WRONG_CODES),
    # Changing how one signs in asks for the password again; a wrong one counts as a failure.
    "accounts:backup_codes": Form(
        "two_factor", valid={"password": TEST_PASSWORD}, may_write=SIGN_IN_FAILURES
    ),
    "accounts:two_factor_turn_off": Form(
        "two_factor", valid={"password": TEST_PASSWORD}, may_write=SIGN_IN_FAILURES
    ),
    # Managing the team; ward staff asking for an account.
    "accounts:team_invite": Form(
        "coordinator",
        valid={"full_name": "Nia New", "email": "nia.new@example.org", "role": "volunteer"},
    ),
    "accounts:team_member_role": Form("coordinator", kwargs=user_pk("ward_staff"), valid={}),
    "accounts:team_member_deactivate": Form(
        "coordinator", kwargs=user_pk("leaver"), valid={"reason": "Moved away"}
    ),
    "accounts:team_member_reactivate": Form(
        "coordinator",
        kwargs=user_pk("deactivated"),
        valid={},
        page=("accounts:team_member_detail", user_pk("deactivated"), None),
    ),
    "accounts:team_member_invite_again": Form(
        "coordinator",
        kwargs=user_pk("invited"),
        valid={},
        page=("accounts:team_member_detail", user_pk("invited"), None),
    ),
    "accounts:invite_accept": Form(
        None,
        start=invitation_link,
        valid={"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ),
    "accounts:account_request": Form(
        None,
        valid=lambda w: {
            "full_name": "Hal Asking",
            "email": "hal.asking@example.org",
            "job_title": "Staff nurse",
            "scheme": str(w.scheme.pk),
            "workplace": "Ward 1",
        },
    ),
    "accounts:account_request_verify": Form(
        None, kwargs=lambda w: {"token": w.request_token}, valid={}
    ),
    "accounts:account_request_review": Form(
        "coordinator", kwargs=pk("account_request"), valid=lambda w: {"wards": [str(w.ward.pk)]}
    ),
    "accounts:account_request_decline": Form(
        "coordinator", kwargs=pk("account_request"), valid={"reason": "Not one of our wards"}
    ),
    # Referrals.
    "referrals:create": Form(
        "ward_staff",
        valid=merged(
            {
                "given_name": "Hostile",
                "family_name": "Input",
                "nhs_number": "999 000 0018",
                "address_line_1": "3 Test Lane",
                "town": "Testtown",
                "postcode": "RV1 1AA",
                "phone": "07700 900123",
                "discharge_pathway": "1",
                "needs": ["shopping"],
                "consent_to_referral": "on",
                "consent_to_hold": "on",
                "referrer_role": "Staff nurse",
            },
            date_parts("date_of_birth", datetime.date(1940, 5, 17)),
            today_parts("expected_discharge_date", 2),
        ),
    ),
    "referrals:accept": Form(
        "coordinator",
        kwargs=pk("waiting_referral"),
        valid={},
        page=("referrals:detail", pk("waiting_referral"), None),
    ),
    "referrals:decline": Form(
        "coordinator", kwargs=pk("waiting_referral"), valid={"reason": "out_of_area"}
    ),
    "referrals:withdraw": Form(
        "ward_staff", kwargs=pk("waiting_referral"), valid={"reason": "Went home with family"}
    ),
    "referrals:discharge": Form("coordinator", kwargs=pk("referral"), valid={}),
    "referrals:fhir": Form("coordinator", kwargs=pk("referral"), valid={}, ok=200),
    # Clients.
    "clients:edit": Form("coordinator", kwargs=pk("client"), valid={"phone": "07700 900123"}),
    "clients:consent": Form(
        "coordinator",
        kwargs=pk("client"),
        valid=merged({"kind": "support", "given": "yes"}, today_parts("decided_on")),
    ),
    "clients:assessment_new": Form(
        "coordinator",
        kwargs=lambda w: {"pk": w.unmatched_episode.client.pk},
        valid={},
        page=("records:client", lambda w: {"pk": w.unmatched_episode.client.pk}, None),
    ),
    "clients:assessment": Form(
        "coordinator", kwargs=client_and("assessment", "assessment_pk"), valid={}
    ),
    "clients:assessment_edit": Form(
        "coordinator", kwargs=client_and("assessment", "assessment_pk"), valid={}
    ),
    "clients:assessment_second": Form(
        "manager",
        kwargs=lambda w: {"pk": w.offered_episode.client.pk, "assessment_pk": w.awaiting_second.pk},
        page=(
            "clients:assessment",
            lambda w: {"pk": w.offered_episode.client.pk, "assessment_pk": w.awaiting_second.pk},
            None,
        ),
        valid={},
    ),
    "clients:reassessment": Form(
        "coordinator",
        kwargs=lambda w: {"pk": w.unmatched_episode.client.pk},
        valid={"reason": "Readmitted after a fall"},
    ),
    "clients:goal_new": Form(
        "coordinator",
        kwargs=pk("client"),
        valid={"category": "getting_out", "description": "To walk to the corner shop"},
    ),
    "clients:goal_review": Form(
        "coordinator", kwargs=client_and("goal", "goal_pk"), valid={"outcome": "met"}
    ),
    "clients:measure_new": Form(
        "coordinator",
        kwargs=lambda w: {"pk": w.client.pk, "instrument": "ucla3"},
        valid=merged({"timepoint": "end", "companionship": "1"}, today_parts("taken_on")),
    ),
    # Volunteers.
    "volunteers:new": Form(
        "coordinator",
        valid={"given_name": "Nova", "family_name": "Volunteer", "postcode": "RV1 2AA"},
    ),
    "volunteers:edit": Form("coordinator", kwargs=pk("volunteer"), valid={}),
    "volunteers:stage": Form("coordinator", kwargs=pk("volunteer"), valid={"stage": "references"}),
    "volunteers:invite": Form(
        "coordinator", kwargs=pk("applicant"), valid={"email": "new.volunteer@example.org"}
    ),
    "volunteers:dbs": Form(
        "coordinator",
        kwargs=pk("volunteer"),
        valid=merged(
            {"level": "enhanced", "certificate_number": "001234567891"},
            today_parts("issued_on"),
            today_parts("recheck_due", 1000),
        ),
    ),
    "volunteers:reference": Form(
        "coordinator",
        kwargs=pk("volunteer"),
        valid=merged({"referee_name": "A Second Referee"}, today_parts("received_on")),
    ),
    "volunteers:training": Form(
        "coordinator",
        kwargs=pk("volunteer"),
        valid=merged(lambda w: {"course": str(w.course.pk)}, today_parts("completed_on")),
    ),
    # The shortlist shows no one here (nobody is eligible), so the field is named.
    "visits:offer": Form(
        "coordinator",
        kwargs=pk("unmatched_episode"),
        fields=("volunteer",),
        page=("visits:match", pk("unmatched_episode"), None),
        valid=lambda w: {"volunteer": str(w.volunteer.pk)},
    ),
    "visits:offer_withdraw": Form(
        "coordinator", kwargs=pk("offered_episode"), valid={"reason": "Client moved away"}
    ),
    "visits:support_hand_over": Form(
        "coordinator", kwargs=pk("episode"), valid={"reason": "Volunteer moved away"}
    ),
    "volunteers:availability": Form("volunteer", valid={"availability": ["Monday morning"]}),
    "visits:offer_accept": Form(
        "volunteer", kwargs=pk("offer"), valid={}, page=("visits:offers", None, None)
    ),
    "visits:offer_decline": Form(
        "volunteer", kwargs=pk("offer"), valid={"reason": "Away for a month"}
    ),
    # Support episodes.
    "visits:alert_ack": Form(
        "coordinator", kwargs=pk("alert"), valid={}, page=("visits:work_queue", None, None)
    ),
    "visits:log": Form("volunteer", kwargs=pk("episode"), valid={"answered": "yes"}),
    "visits:extend": Form(
        "coordinator", kwargs=pk("episode"), valid={"weeks": "1", "reason": "Still unsteady"}
    ),
    "visits:readmit": Form(
        "coordinator",
        kwargs=pk("episode"),
        valid=merged({"source": "ward"}, today_parts("admitted_on")),
    ),
    "visits:return_home": Form(
        "coordinator", kwargs=pk("readmitted_episode"), valid=today_parts("returned_on")
    ),
    # An episode without a concern: support does not close over an open one (H18).
    "visits:close": Form(
        "coordinator", kwargs=pk("unmatched_episode"), valid={"outcome": "declined"}
    ),
    "visits:share_summary": Form("coordinator", kwargs=pk("episode"), valid={}, ok=200),
    "visits:visit_new": Form(
        "coordinator",
        kwargs=pk("unmatched_episode"),
        valid=merged({"part": "10"}, today_parts("day", 1)),
    ),
    # The acknowledge button and the closing form.
    "visits:concern": Form(
        "coordinator", kwargs=pk("concern"), valid={"action_taken": "Called the GP"}
    ),
    "visits:onward_new": Form(
        "coordinator", kwargs=pk("episode"), valid=lambda w: {"service": str(w.service.pk)}
    ),
    "visits:onward_outcome": Form(
        "coordinator",
        kwargs=pk("onward"),
        valid={"outcome": "accepted"},
        page=("visits:episode", pk("episode"), None),
    ),
    "visits:service_new": Form(
        "coordinator", valid={"name": "Good Neighbours", "category": "befriending"}
    ),
    "visits:service_edit": Form("coordinator", kwargs=pk("service"), valid={}),
    # Reports.
    "reports:export": Form(
        "manager",
        ok=200,
        valid={"export_format": "csv"},
        page=("reports:report", None, lambda w: {"quarter": w.quarter}),
    ),
    "reports:settings": Form("manager", valid={}),
}

# Instruments other than the first are the same view with other fields.
EXTRA_CASES = {
    "clients:measure_new/ons4": (
        "clients:measure_new",
        Form(
            "coordinator",
            kwargs=lambda w: {"pk": w.client.pk, "instrument": "ons4"},
            valid=merged({"timepoint": "end", "happiness": "3"}, today_parts("taken_on")),
        ),
    ),
}

# Pages that accept a POST (no require_POST or require_GET) but read nothing from it: they
# answer a POST as they answer a GET. Each is listed with who sees it and why it is not a form;
# junk is posted to them anyway.
NOT_FORMS = {
    "home": (Form("coordinator"), "sends each role to its start page"),
    "healthz": (Form(None), "a JSON health check"),
    "accounts:team_list": (Form("coordinator"), "a list"),
    "accounts:team_member_detail": (
        Form("coordinator", kwargs=pk("volunteer_user")),
        "a person's page",
    ),
    "accounts:account_requests": (Form("coordinator"), "a list"),
    "accounts:account_request_sent": (Form(None), "a message"),
    "referrals:ward_list": (Form("ward_staff"), "a list"),
    "referrals:check_nhs_number": (Form("ward_staff"), "a GET form (GET_FORMS)"),
    "referrals:queue": (Form("coordinator"), "a GET form (GET_FORMS)"),
    "referrals:detail": (
        Form("coordinator", kwargs=pk("referral")),
        "a page; its buttons post elsewhere",
    ),
    "clients:list": (Form("coordinator"), "a GET form (GET_FORMS)"),
    "records:client": (
        Form("coordinator", kwargs=pk("client")),
        "a page; its buttons post elsewhere",
    ),
    "records:subject_access": (Form("coordinator", kwargs=pk("client")), "a GET form (GET_FORMS)"),
    "records:volunteers": (Form("coordinator"), "a GET form (GET_FORMS)"),
    "records:volunteer": (Form("coordinator", kwargs=pk("volunteer")), "a page"),
    "visits:match": (
        Form("coordinator", kwargs=pk("unmatched_episode")),
        "a GET form (GET_FORMS); the shortlist's buttons post to assign",
    ),
    "volunteers:me": (Form("volunteer"), "a page"),
    "visits:offers": (Form("volunteer"), "a page; the offer buttons post elsewhere"),
    "visits:today": (Form("volunteer"), "a page"),
    "visits:board": (Form("coordinator"), "a list"),
    "visits:work_queue": (Form("coordinator"), "a list; the buttons post to alert_ack"),
    "visits:episode": (
        Form("coordinator", kwargs=pk("episode")),
        "a page; its forms post elsewhere",
    ),
    "visits:concern_sent": (Form("volunteer", kwargs=pk("concern")), "a message"),
    "visits:directory": (Form("coordinator"), "a list"),
    "help": (Form("volunteer"), "a page"),
    "reports:dashboard": (Form("manager"), "a page"),
    "reports:report": (Form("manager"), "a GET form (GET_FORMS)"),
    "reports:organisation": (Form("organisation_manager"), "a GET form (GET_FORMS)"),
    "reports:organisation_scheme": (
        Form("organisation_manager", kwargs=lambda w: {"slug": w.scheme.slug}),
        "a GET form (GET_FORMS)",
    ),
    "reports:organisation_report": (Form("organisation_manager"), "a GET form (GET_FORMS)"),
    "reports:export_status": (Form("manager", kwargs=pk("export")), "a progress page"),
    "reports:export_download": (Form("manager", kwargs=pk("export")), "a file"),
    "records:audit": (Form("manager"), "a page"),
    "records:access_log": (Form("manager"), "a GET form (GET_FORMS)"),
    "outbox:messages": (Form("manager"), "a GET form (GET_FORMS)"),
    "records:sharing_log": (Form("manager"), "a GET form (GET_FORMS)"),
    # The client's: what the forms saved is shown again there, as old and new values.
    "records:history": (
        Form("manager", kwargs=lambda w: {"kind": "client", "pk": w.client.pk}),
        "a page",
    ),
}

# Forms sent in the query string (filters, searches, pages of a list): `fields` are the
# parameters the view reads besides those of the page's own GET form.
PERIOD_FIELDS = (
    "quarter", "start_day", "start_month", "start_year", "end_day", "end_month", "end_year",
)  # fmt: skip
GET_FORMS = {
    "referrals:queue": Form("coordinator", fields=("status", "hospital", "ward", "page")),
    "referrals:check_nhs_number": Form("ward_staff", fields=("nhs_number",)),
    "referrals:ward_list": Form("ward_staff", fields=("page",)),
    "clients:list": Form("coordinator", fields=("q", "page")),
    "records:subject_access": Form("coordinator", kwargs=pk("client"), fields=("format",)),
    "records:volunteers": Form("coordinator", fields=("stage", "page")),
    "visits:match": Form("coordinator", kwargs=pk("unmatched_episode"), fields=("ineligible",)),
    "visits:board": Form("coordinator", fields=("page",)),
    "visits:work_queue": Form("coordinator", fields=("page",)),
    "reports:report": Form(
        "manager",
        fields=(
            "quarter",
            "start_day",
            "start_month",
            "start_year",
            "end_day",
            "end_month",
            "end_year",
            "small_numbers",
        ),
        valid=lambda w: {"quarter": w.quarter},
    ),
    "reports:organisation": Form(
        "organisation_manager",
        fields=PERIOD_FIELDS,
        valid=lambda w: {"quarter": w.quarter},
    ),
    "reports:organisation_scheme": Form(
        "organisation_manager",
        kwargs=lambda w: {"slug": w.scheme.slug},
        fields=PERIOD_FIELDS,
        valid=lambda w: {"quarter": w.quarter},
    ),
    "reports:organisation_report": Form(
        "organisation_manager",
        fields=PERIOD_FIELDS,
        valid=lambda w: {"quarter": w.quarter},
    ),
    "reports:export_status": Form("manager", kwargs=pk("export")),
    "outbox:messages": Form("manager", fields=("show", "page")),
    "records:access_log": Form(
        "manager",
        fields=(
            "nhs_number",
            "user",
            "since_day",
            "since_month",
            "since_year",
            "until_day",
            "until_month",
            "until_year",
            "page",
            "format",
        ),
    ),
    "records:sharing_log": Form(
        "manager",
        fields=(
            "nhs_number",
            "user",
            "since_day",
            "since_month",
            "since_year",
            "until_day",
            "until_month",
            "until_year",
            "page",
            "format",
            "only",
        ),
    ),
}

# Defects found by these tests: (kind, case id) -> (what goes wrong, submissions that show it,
# as changes to the valid one). Each is an xfail(strict=True) that sends those submissions
# first, so it fails the same way every run; a fix makes the case pass, and the test fail
# until the entry is removed here.
DEFECTS = {}

# Tables written on every request, whatever the answer.
ALWAYS_WRITTEN = {"django_session"}


# --- Discovering URLs ------------------------------------------------------------------------

# URL namespaces not walked: Django's admin is for platform administrators only, never a
# scheme role (tests/aligns/test_access_matrix.py), and its forms are Django's own.
SKIPPED_NAMESPACES = {"admin"}


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed: {entry.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), entry.callback


def _allowed_methods(view):
    """The HTTP methods a view answers, from require_http_methods or a class-based view."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    func = view
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        func = getattr(func, "__wrapped__", None)
    return None  # any method


def urls_accepting_post():
    found = set()
    for name, view in _walk(get_resolver().url_patterns):
        methods = _allowed_methods(view)
        if methods is None or "POST" in methods:
            found.add(name)
    return found


# --- Reading forms from pages ----------------------------------------------------------------


# Inputs where people type (rather than choose): where free text is saved and shown again.
TYPED = {"text", "textarea", "email", "url", "search", "tel", "number", "password"}
FREE_TEXT = {"text", "textarea", "search"}
DATE_PART = re.compile(r"_(day|month|year)$")


class FormFields(HTMLParser):
    """The forms of a page: method, action and {field name: {"values": [...], "chosen": [...]}}.

    `values` are what the page offers (a text box's value, each radio's, each option's);
    `chosen` is what a browser would send untouched (checked, selected, or typed values).
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = self._select = self._textarea = None

    def _field(self, name, kind):
        entry = self._form["fields"].setdefault(name, {"values": [], "chosen": [], "kind": kind})
        entry["kind"] = kind if kind in TYPED else entry["kind"]
        return entry

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(),
                          "action": attrs.get("action") or "", "fields": {}}  # fmt: skip
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            entry = self._field(attrs["name"], kind)
            value = attrs.get("value")
            if kind in ("checkbox", "radio"):
                value = "on" if value is None else value
                entry["values"].append(value)
                if "checked" in attrs:
                    entry["chosen"].append(value)
            elif kind not in ("submit", "button", "image", "reset", "file"):
                entry["values"].append(value or "")
                entry["chosen"].append(value or "")
        elif tag == "button" and attrs.get("name"):
            self._field(attrs["name"], "button")["values"].append(attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = self._field(attrs["name"], "select")
        elif tag == "option" and self._select is not None:
            self._select["values"].append(attrs.get("value") or "")
            if "selected" in attrs:
                self._select["chosen"].append(attrs.get("value") or "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = self._field(attrs["name"], "textarea")
            self._textarea["text"] = ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea.pop("text")
            text = text[1:] if text.startswith("\n") else text  # as browsers read it
            self._textarea["values"].append(text)
            self._textarea["chosen"].append(text)
            self._textarea = None


def forms_sent_to(html, page_path, target_path, method):
    """The fields of each form in `html` that sends to `target_path` with `method`."""
    parser = FormFields()
    parser.feed(html)
    return [
        form["fields"]
        for form in parser.forms
        if form["method"] == method.lower()
        and (urlsplit(form["action"]).path or page_path) == target_path
    ]


# --- Submitting and checking -----------------------------------------------------------------


def body(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


def is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


def short(data):
    """A submission, readable in a failure message: long values cut, with their length."""

    def cut(value):
        if isinstance(value, list):
            return [cut(v) for v in value]
        return value if len(value) <= 80 else f"{value[:60]!r}... ({len(value)} characters)"

    return {name: cut(value) for name, value in data.items()}


class Requests:
    """A test client that records server errors (with their tracebacks) and tables written."""

    def __init__(self, world, role):
        self.client = Client(raise_request_exception=False)
        self.errors = []
        if role is not None:
            self.client.force_login(fresh(getattr(world.users, role)))

    def _record(self, sender, request=None, **kwargs):
        self.errors.append(traceback.format_exc())

    def send(self, method, url, data=None):
        """(response, its text, tables written); a server error fails with its traceback."""
        watch = DatabaseWatch()
        self.errors.clear()
        got_request_exception.connect(self._record)
        try:
            with connection.execute_wrapper(watch):
                if method == "GET":
                    query = urlencode(data or {}, doseq=True)
                    response = self.client.get(f"{url}?{query}" if query else url)
                else:
                    response = self.client.post(
                        url,
                        urlencode(data or {}, doseq=True),
                        content_type="application/x-www-form-urlencoded",
                    )
                text = body(response)  # a streamed answer runs its queries now
        except Exception:
            pytest.fail(f"{method} {url} raised:\n{traceback.format_exc()}")
        finally:
            got_request_exception.disconnect(self._record)
        if self.errors or response.status_code >= 500:
            pytest.fail(
                f"{method} {url}: server error {response.status_code}\n"
                + ("\n".join(self.errors) or text[:2000])
            )
        return response, text, watch.written


def check_escaped(text, response, where):
    if not is_html(response):
        return
    raw = [sign for sign in MARKUP_SIGNS if sign in text]
    assert not raw, f"{where}: markup shown unescaped: {raw}"
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", text, re.I), (
        f"{where}: a javascript: link"
    )


def refused(response, text, followed_text):
    """Did the answer refuse the submission (so nothing may have been saved)?"""
    if response.status_code >= 400:
        return True
    if response.status_code == 200:
        return "nhsuk-error-summary" in text or "nhsuk-error-message" in text
    return followed_text is not None and "aligns-message--error" in followed_text


def submit_and_check(requests, case, method, url, data, ignored):
    """Send `data`; check the answer, and the page a redirect leads to, as described above."""
    where = f"{method} {url} with {short(data)}"
    response, text, written = requests.send(method, url, data)
    check_escaped(text, response, where)
    followed_text = None
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    if location.startswith("/"):
        followed, followed_text, _ = requests.send("GET", location)
        check_escaped(followed_text, followed, f"{where}, then GET {location}")
    too_big = too_big_for_postgresql(written)
    assert not too_big, f"{where}: PostgreSQL would refuse these values: {too_big}"
    if refused(response, text, followed_text):
        unexpected = written - ALWAYS_WRITTEN - set(case.may_write) - ignored
        assert not unexpected, (
            f"{where} was refused ({response.status_code}) but wrote to {sorted(unexpected)}"
        )
    return response


@dataclass
class Target:
    url: str
    fields: dict  # name -> values the page offers
    typed: list  # the names of the fields for free text
    base: dict  # a submission: the page's own values with the case's valid ones laid over
    ignored: set  # tables a GET of the page writes too


def _resolve(value, world):
    return value(world) if callable(value) else (value or {})


def prepare(case, name, world, requests, method="POST", need_form=True):
    """Reach the form: its URL, its fields (read from the page) and a base submission."""
    if case.start is not None:
        url = case.start(requests.client, world)
    else:
        url = reverse(name, kwargs=_resolve(case.kwargs, world) or None)
    page_url, query = url, None
    if case.page is not None:
        page_name, page_kwargs, page_query = case.page
        page_url = reverse(page_name, kwargs=_resolve(page_kwargs, world) or None)
        query = _resolve(page_query, world)
    response, text, written = requests.send("GET", page_url, query)
    fields, base, typed = {}, {}, set()
    found = forms_sent_to(text, urlsplit(page_url).path, urlsplit(url).path, method)
    if method == "POST" and need_form:
        assert found or case.fields, f"no form sending to {url} on {page_url}"
    for form in found:
        for field_name, entry in form.items():
            if field_name == "csrfmiddlewaretoken":
                continue
            fields.setdefault(field_name, []).extend(entry["values"])
            if entry["kind"] in FREE_TEXT and not DATE_PART.search(field_name):
                typed.add(field_name)
            chosen = entry["chosen"]
            if chosen:
                base[field_name] = chosen if len(chosen) > 1 else chosen[0]
    for field_name in case.fields:
        fields.setdefault(field_name, [])
    base.update(_resolve(case.valid, world))
    if method == "GET":
        base.update(query or {})
    return Target(url=url, fields=fields, typed=sorted(typed), base=base,
                  ignored=written - ALWAYS_WRITTEN)  # fmt: skip


class Submission(dict):
    """A submission that Hypothesis prints shortened (values can be 20,000 characters long)."""

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(short(self)))


def attack(case, name, world, method="POST", examples=EXAMPLES, need_form=True, known=()):
    """The `known` submissions, then Hypothesis examples, against one form.

    One sign-in per case; each submission runs in a savepoint rolled back afterwards, and
    starts from the same cookies, so it finds the world (and the session) as the first did.
    """
    requests = Requests(world, case.role)
    with transaction.atomic():
        target = prepare(case, name, world, requests, method, need_form)
        transaction.set_rollback(True)
    cookies = copy.deepcopy(requests.client.cookies)

    def submit(submission):
        with transaction.atomic():
            requests.client.cookies = copy.deepcopy(cookies)
            url = case.start(requests.client, world) if case.start else target.url
            response = submit_and_check(requests, case, method, url, submission, target.ignored)
            transaction.set_rollback(True)
        return response

    if method == "POST" and case.valid is not None:
        # The base of every hostile submission gets through, so they reach the services.
        response = submit(Submission(target.base))
        assert response.status_code == case.ok, (
            f"the valid submission {short(target.base)} to {target.url} got "
            f"{response.status_code}, not {case.ok}:\n{body(response)[:3000]}"
        )
    for changes in known:
        submit(Submission({**target.base, **changes}))
    # Nothing at all (a script's post with its token in a header, not the body): refused
    # field by field like any other, never a server error nor the blank form again.
    empty = submit(Submission({}))
    if method == "POST" and need_form and empty.status_code == 200:
        assert "nhsuk-error-summary" in body(empty), (
            f"an empty post to {target.url} got the form back with no error:\n{body(empty)[:2000]}"
        )

    @hypothesis_settings(examples)
    @given(st.data())
    def one_submission(data):
        submission = hostile_submissions(target.fields, target.base, target.typed)
        submit(Submission(data.draw(submission)))

    one_submission()


# --- The tests -------------------------------------------------------------------------------


def _cases(table, extra=None):
    for case_id, case in sorted(table.items()):
        yield case_id, case_id, case
    for case_id, (name, case) in sorted((extra or {}).items()):
        yield case_id, name, case


def params(table, extra=None, kind=""):
    """A list, not a generator: a mutation run collects the module again in a process that
    has imported it already, and a spent generator would give no cases."""
    found = []
    for case_id, name, case in _cases(table, extra):
        marks, known = (), ()
        if (kind, case_id) in DEFECTS:
            reason, known = DEFECTS[kind, case_id]
            marks = pytest.mark.xfail(strict=True, reason=reason)
        found.append(pytest.param(name, case, known, id=case_id, marks=marks))
    return found


@pytest.mark.parametrize(("name", "case", "known"), params(FORMS, EXTRA_CASES, kind="post"))
def test_hostile_posts_to_a_form(name, case, known, world, db):
    attack(case, name, world, known=known)


@pytest.mark.parametrize(("name", "case", "known"), params(GET_FORMS, kind="get"))
def test_hostile_query_strings_to_a_form(name, case, known, world, db):
    attack(case, name, world, method="GET", examples=GET_EXAMPLES, known=known)


@pytest.mark.parametrize(
    ("name", "case", "known"),
    params({name: case for name, (case, _why) in NOT_FORMS.items()}, kind="junk"),
)
def test_junk_posted_to_a_page_without_a_form(name, case, known, world, db):
    attack(case, name, world, examples=JUNK_EXAMPLES, need_form=False, known=known)


# Saved into every free-text field, then looked for on every page.
STORED_MARKUP = MARKUP[0] + MARKUP[1]


def test_markup_saved_through_the_forms_is_shown_escaped_on_every_page(world, db):
    """Markup saved through every form's free-text fields, then every page for its role.

    A random example shows the page a redirect leads to; this shows the others: the
    volunteer's today page with the client's access notes, a select listing the services,
    the episode page with the contacts, the team list with a job title, and so on.
    """
    signed_in = {}

    def as_role(role):  # one sign-in for each role
        if role not in signed_in:
            signed_in[role] = Requests(world, role)
        return signed_in[role]

    saved = []
    for case_id, name, case in _cases(FORMS, EXTRA_CASES):
        if case.valid is None or case.start is not None:
            continue
        requests = as_role(case.role)
        # No form any more is possible: an earlier form may have signed off the draft.
        target = prepare(case, name, world, requests, need_form=False)
        typed = set(target.typed)
        for _attempt in range(2):  # the second time without the fields the form refused
            if not typed:
                break
            submission = {**target.base, **dict.fromkeys(typed, STORED_MARKUP)}
            response = submit_and_check(
                requests, case, "POST", target.url, submission, target.ignored
            )
            if response.status_code == case.ok:
                saved.append(case_id)
                break
            typed -= set(re.findall(r'href="#id_(\w+?)(?:_\d)?"', body(response)))
    assert len(saved) >= 20, f"markup saved through only {saved}"

    pages = {**{name: case for name, (case, _why) in NOT_FORMS.items()}, **GET_FORMS}
    pages |= {name: case for name, case in FORMS.items() if case.start is None}
    for name, case in sorted(pages.items()):
        requests = as_role(case.role)
        url = reverse(name, kwargs=_resolve(case.kwargs, world) or None)
        if case.page is not None:
            page_name, page_kwargs, page_query = case.page
            url = reverse(page_name, kwargs=_resolve(page_kwargs, world) or None)
        response, text, _ = requests.send("GET", url)
        check_escaped(text, response, f"GET {url} as {case.role}")


def test_every_url_that_accepts_post_is_listed():
    missing = sorted(urls_accepting_post() - set(FORMS) - set(NOT_FORMS))
    assert not missing, (
        f"list these in FORMS (a form to attack) or NOT_FORMS (with why not): {missing}"
    )


def test_every_listed_url_accepts_post():
    stale = sorted((set(FORMS) | set(NOT_FORMS)) - urls_accepting_post())
    assert not stale, f"these do not accept POST (or no longer exist): {stale}"


def test_every_listed_url_exists():
    names = {name for name, _ in _walk(get_resolver().url_patterns)}
    listed = set(FORMS) | set(NOT_FORMS) | set(GET_FORMS)
    listed |= {name for name, _ in EXTRA_CASES.values()}
    assert not listed - names, f"no such URL any more: {sorted(listed - names)}"
    assert not set(FORMS) & set(NOT_FORMS)


def test_every_defect_is_a_case():
    cases = {("post", c) for c, _, _ in _cases(FORMS, EXTRA_CASES)}
    cases |= {("get", c) for c in GET_FORMS} | {("junk", c) for c in NOT_FORMS}
    assert not set(DEFECTS) - cases, f"no such case: {sorted(set(DEFECTS) - cases)}"
