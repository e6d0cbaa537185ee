import inspect
import json
import logging
import os
import shutil
import smtplib
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from aligns.accounts.models import Role
from tests.factories import ROLE_FACTORIES, OrganisationFactory, SchemeFactory
from tests.i18n import PseudoLocale
from tests.mutation import covering
from tests.mutation.recorded import taken_as_surviving


def pytest_sessionstart(session):
    """A mutation run (`make mutation`) forks each mutant's session from a server that
    collected the tests once, and Django, set up there, is not set up again: its log handlers
    still write to the server's captured stderr, closed when that session ended. Give them
    this session's."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            stream = getattr(handler, "stream", None)
            if isinstance(handler, logging.StreamHandler) and getattr(stream, "closed", False):
                handler.stream = sys.stderr  # setStream would flush the closed one first
    if _mutation_stats_run() and covering.narrowing():
        session.config.stash[_LINES_RECORDED] = covering.start_recording(_mutated_files())


_LINES_RECORDED = pytest.StashKey[object]()


def _mutation_stats_run():
    """True in the first run of every test that `make mutation` makes, in which mutmut learns
    which tests call each function (and tests/mutation/covering.py which run each line)."""
    return os.environ.get("MUTANT_UNDER_TEST") == "stats"


def _mutated_files():
    """The modules `make mutation` mutates."""
    return covering.mutmut_settings()["only_mutate"]


def _recording_lines_for(item, phase):
    """In mutmut's stats run, what runs now is put down to `item` (covering.context_of)."""
    recorder = item.config.stash.get(_LINES_RECORDED, None)
    if recorder is not None:
        recorder.switch_context(covering.context_of(item, phase))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _recording_lines_for(item, "setup")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    _recording_lines_for(item, "call")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    _recording_lines_for(item, "teardown")


def _mutants_run():
    """True in a mutant's run of `make mutation` (mutmut names the mutant in the environment)."""
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


def _mutation_clean_run():
    """True in the run of every test on the unchanged code that `make mutation` starts with
    (mutmut names no mutant, but says so)."""
    return os.environ.get("MUTANT_UNDER_TEST", None) == ""


def _sqlite_test_database():
    """The SQLite test database's file for this process, or None on another engine."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        return None
    return settings.VAR_DIR / f"test-{os.getpid()}.sqlite3"


def _mutants_template():
    """The test database the clean run made, on the unchanged code, kept for the mutants' runs
    to copy. In the mutants' tree, which `make mutation` makes afresh, so it always has this
    run's tables."""
    from django.conf import settings

    return settings.VAR_DIR / "test-mutants-template.sqlite3"


@pytest.fixture(scope="session")
def _database_from_template():
    """In a mutant's run, this process's test database is a copy of the template, if there is
    one, and Django's setup only points the connection at it: each of some 1,800 runs then
    starts in milliseconds instead of making every table (a second of each mutant's two or
    three)."""
    from django.conf import settings
    from django.db import connections

    name = _sqlite_test_database()
    if not (_mutants_run() and name and _mutants_template().exists()):
        yield False
        return
    assert list(settings.DATABASES) == ["default"], "the template is of the default only"
    shutil.copyfile(_mutants_template(), name)

    def setup_databases(*args, **kwargs):
        connection = connections["default"]
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = str(name)
        return []  # nothing for teardown_databases to destroy: django_db_setup deletes it

    with pytest.MonkeyPatch.context() as patch:
        # pytest-django imports it from there each time it sets the databases up.
        patch.setattr("django.test.utils.setup_databases", setup_databases)
        yield True


@pytest.fixture(scope="session")
def django_db_setup(_database_from_template, django_db_setup, django_db_blocker, request):
    """With --no-migrations (the mutation runs, `make mutation`: a test database in a second
    rather than ten) the tables are made from the models; load the lists the migrations would
    have (referrals/migrations/0002_catalogues.py, the only data an empty database gets).

    The mutation run's clean run keeps its database as the template the mutants' runs copy
    (_database_from_template); a copy is deleted when the session ends, as pytest-django
    deletes the databases it made."""
    if request.config.getoption("nomigrations") and not _database_from_template:
        from aligns.catalogues.lists import load_catalogues
        from aligns.catalogues.models import KnownRisk, Need

        with django_db_blocker.unblock():
            load_catalogues(Need, KnownRisk)
        name = _sqlite_test_database()
        if _mutation_clean_run() and name:
            # Copied whole, then put in place by a rename: a mutant's run never copies half.
            making = name.with_suffix(".template")
            shutil.copyfile(name, making)
            making.replace(_mutants_template())
    yield
    if _database_from_template:  # set up before pytest-django's, so torn down after it
        from django.db import connections

        connections.close_all()
        _sqlite_test_database().unlink(missing_ok=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The SQLite test database: a file, not memory, so a Celery worker in another process can
    share it (tests/workers.py); one per process, named when the session starts, so test runs
    side by side, and the mutation runs' processes forked from one server, do not clash."""
    from django.conf import settings

    name = _sqlite_test_database()
    if name:
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(name)


_RUNS_NO_TESTS = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """A mutant's run stops at its first failing test: run the quickest first (the durations
    mutmut recorded in its first pass), so a mutant the tests notice costs a second, not the
    slowest test that calls the function; and of those, only the ones that ran the statement
    the mutant changed (tests/mutation/covering.py). Only in a mutant's run; pytest-django's
    own order (plain tests before transactional ones) is applied after this, keeping it within
    each kind."""
    _no_generated_parameters(items)
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    mutant = os.environ["MUTANT_UNDER_TEST"]
    if taken_as_surviving(mutant, Path(".")):
        # An explained survivor of a module unchanged since the last run that passed
        # (tests/mutation/recorded.py): it survives, as before, without its tests.
        _run_none(config, items)
        return
    recorded = Path("mutmut-stats.json")  # a mutant's tests run from mutants/
    durations = (
        json.loads(recorded.read_text()).get("duration_by_test", {}) if recorded.exists() else {}
    )
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))
    # Only the tests that ran the statement the mutant changed: no other can notice it.
    ran = covering.covering_tests(mutant)
    if ran is None:
        return
    kept, left = [], []
    for item in items:
        (kept if covering.ran_the_line(item, ran) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
    items[:] = kept
    if not kept:
        _run_none(config, items)
        return
    # mutmut stops a mutant that loops after a multiple of the CPU all the function's tests
    # took; the same multiple of what these few took stops it as surely, sooner.
    covering.limit_cpu(sum(durations.get(item.nodeid, 0.0) for item in kept))


def _run_none(config, items):
    """The mutant survives without running a test (pytest_sessionfinish)."""
    items.clear()
    config.stash[_RUNS_NO_TESTS] = True


def pytest_sessionfinish(session):
    """A mutant that runs no tests (a recorded survivor, or one whose changed line no test
    runs) would be reported as "no tests collected": mutmut is to read it as a survivor. The
    stats run's record of the lines each test ran is kept for the mutants' runs."""
    if session.config.stash.get(_RUNS_NO_TESTS, False):
        session.exitstatus = pytest.ExitCode.OK
    recorder = session.config.stash.get(_LINES_RECORDED, None)
    if recorder is not None:
        covering.finish_recording(recorder, _mutated_files())


def _no_generated_parameters(items):
    """Parameters given as a generator are spent once the module is collected: collected
    again in the same process, as each mutant's run is (forked from a server that collected
    the tests once), the test would have no cases, and mutmut would call its ids unknown."""
    for item in items:
        for mark in item.iter_markers("parametrize"):
            values = mark.args[1] if len(mark.args) > 1 else mark.kwargs.get("argvalues")
            if inspect.isgenerator(values):
                raise pytest.UsageError(f"{item.nodeid}: give parametrize a list, not a generator")


@pytest.fixture(autouse=True)
def tasks_run_at_once(request):
    """A task queued during a test runs at once, in this process (Celery's eager mode), as the
    worker would run it: an email queued after commit lands in mail.outbox. Tests of the real
    worker (marked celery_worker) go through the broker; `queued_tasks` turns this off to see
    what a request queues."""
    from aligns.celery import app

    # `queued_tasks` sets the flag itself: two fixtures restoring it, in whichever order pytest
    # tears them down, could leave it on for the tests that follow.
    if "queued_tasks" in request.fixturenames:
        yield
        return
    before = app.conf.task_always_eager
    app.conf.task_always_eager = not request.node.get_closest_marker("celery_worker")
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def queued_tasks(monkeypatch):
    """The tasks queued, as (name, kwargs, options), instead of running them or reaching a
    broker: what a request leaves for the worker. Run one as the worker would with
    `task.apply(kwargs=kwargs)`."""
    from celery.app.task import Task

    from aligns.celery import app

    queued = []

    def apply_async(task, args=None, kwargs=None, **options):
        queued.append((task.name, kwargs, options))

    monkeypatch.setattr(app.conf, "task_always_eager", False)
    monkeypatch.setattr(Task, "apply_async", apply_async)
    return queued


@pytest.fixture
def send_messages():
    """The worker's dispatch, run every minute by the beat: sends what waits in the outbox
    (aligns/outbox). Returns how many it sent."""
    from aligns.outbox.services import dispatch

    return dispatch


class MailServerDown(BaseEmailBackend):
    """An email backend whose server drops the connection, counting the emails tried."""

    tried = 0

    def send_messages(self, email_messages):
        MailServerDown.tried += len(email_messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mail_server_down(settings):
    """Every email fails as if the mail server were down; returns the backend's class, whose
    `tried` counts the emails tried."""
    settings.EMAIL_BACKEND = "tests.conftest.MailServerDown"
    MailServerDown.tried = 0
    return MailServerDown


@pytest.fixture(autouse=True)
def kept_figures_agree(request):
    """After every test that used the database, each episode's figures kept for the episodes
    board (visits.figures.needs_kept) are what its calls and concerns say, counted here
    another way, and so are the dashboard's (_dashboard_figures_agree) and the outcome
    measures' scores and pairs (_outcome_pairs_agree): a service that
    changes a call or a concern without keeping them fails whichever test drives it. A test
    that makes calls or concerns without the services keeps them itself, as a service would
    (visits.figures.needs_kept)."""
    uses_database = "_django_db_helper" in request.fixturenames or request.node.get_closest_marker(
        "django_db"
    )
    if not uses_database:
        yield
        return
    request.getfixturevalue("_django_db_helper")  # checked before the test's rows are gone
    yield
    from visits.models import CallStatus, Concern, ConcernStatus, ScheduledCall, SupportEpisode

    expected = {pk: [0, 0, None] for pk in SupportEpisode.objects.values_list("pk", flat=True)}
    for episode_id, status, due_at in ScheduledCall.objects.values_list(
        "episode_id", "status", "due_at"
    ):
        if status == CallStatus.OVERDUE:
            expected[episode_id][0] += 1
        elif status == CallStatus.PENDING:
            soonest = expected[episode_id][2]
            expected[episode_id][2] = due_at if soonest is None else min(soonest, due_at)
    for episode_id, status in Concern.objects.values_list("episode_id", "status"):
        expected[episode_id][1] += status != ConcernStatus.CLOSED
    kept = {
        pk: [overdue, concerns, due]
        for pk, overdue, concerns, due in SupportEpisode.objects.values_list(
            "pk", "overdue_calls", "open_concerns", "next_call_due_at"
        )
    }
    assert kept == expected, "the board's kept figures (overdue, concerns, next due) disagree"
    _dashboard_figures_agree()
    _outcome_pairs_agree()


def _dashboard_figures_agree():
    """Each row kept for the dashboard (referrals and discharges a day, clients supported
    since a day) is what the referrals and episodes say, counted here another way. Days with
    no row are not checked: tests make referrals and episodes without the services; a service
    that changes a day without counting it again leaves its row wrong, which this finds."""
    from django.utils import timezone

    from referrals.models import Referral, ReferralDay
    from visits.models import DischargeDay, EpisodeStatus, SchemeFigures, SupportEpisode

    referrals = defaultdict(Counter)
    for scheme_id, submitted_at, status in Referral.objects.values_list(
        "scheme_id", "submitted_at", "status"
    ):
        day = referrals[scheme_id, timezone.localdate(submitted_at)]
        day["received"] += 1
        day[{"submitted": "awaiting"}.get(status, status)] += 1
    for kept in ReferralDay.objects.all():
        counted = referrals[kept.scheme_id, kept.day]
        assert [kept.received, kept.accepted, kept.declined, kept.withdrawn, kept.awaiting] == [
            counted[name] for name in ("received", "accepted", "declined", "withdrawn", "awaiting")
        ], f"the referrals kept for {kept.day} disagree with the referrals sent that day"

    episodes = list(
        SupportEpisode.objects.values_list(
            "scheme_id", "client_id", "start_date", "closed_on", "first_contact_seconds"
        )
    )
    for kept in DischargeDay.objects.all():
        that_day = [e for e in episodes if e[0] == kept.scheme_id and e[2] == kept.day]
        in_time = [e for e in that_day if e[4] is not None and e[4] <= kept.window_hours * 3600]
        assert (kept.discharged, kept.contacted_in_time) == (len(that_day), len(in_time)), (
            f"the discharges kept for {kept.day} disagree with the episodes started that day"
        )
    for kept in SchemeFigures.objects.all():
        clients = {
            client_id
            for scheme_id, client_id, start, closed_on, _ in episodes
            if scheme_id == kept.scheme_id
            and start is not None
            and (closed_on is None or closed_on >= kept.since)
        }
        open_episodes = SupportEpisode.objects.filter(scheme_id=kept.scheme_id).exclude(
            status=EpisodeStatus.CLOSED
        )
        assert kept.open_episodes == open_episodes.count(), "the open support kept disagrees"
        assert kept.clients_supported == len(clients), (
            f"the clients supported since {kept.since} disagree"
        )


def _outcome_pairs_agree():
    """Each outcome measure's kept scores are what its answers say (a total only when every
    item was answered), and each end measure is paired with the client's latest baseline of
    its instrument taken on or before it (the later recorded of two the same day): what the
    report's outcomes table reads (clients.outcomes)."""
    from clients.instruments import INSTRUMENTS, SUM
    from clients.models import OutcomeAnswer, OutcomeMeasure, Timepoint

    answers = defaultdict(dict)
    for measure_id, item, value in OutcomeAnswer.objects.values_list("measure_id", "item", "value"):
        answers[measure_id][item] = value
    measures = list(OutcomeMeasure.objects.order_by("taken_on", "pk"))
    for measure in measures:
        given = {item: value for item, value in answers[measure.pk].items() if value is not None}
        if INSTRUMENTS[measure.instrument].scoring == SUM:
            complete = len(given) == len(INSTRUMENTS[measure.instrument].items)
            given = {"total": sum(given.values())} if complete else {}
        assert measure.scores == given, f"measure {measure.pk}'s kept scores disagree"
        if measure.timepoint == Timepoint.END:
            baselines = [
                other.pk
                for other in measures
                if (other.client_id, other.instrument, other.timepoint)
                == (measure.client_id, measure.instrument, Timepoint.BASELINE)
                and other.taken_on <= measure.taken_on
            ]
            assert measure.baseline_id == (baselines[-1] if baselines else None), (
                f"end measure {measure.pk} is paired with the wrong baseline"
            )


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no rate-limit counts left by another."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def site_language_again():
    """A page shown to someone who chose Welsh leaves Welsh active in the thread (as Django's
    LocaleMiddleware leaves its choice): the next test starts in the site's language."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production's PBKDF2 is slow on purpose; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scheme(db):
    return SchemeFactory()


@pytest.fixture
def other_scheme(db):
    return SchemeFactory()


@pytest.fixture
def make_user(db, scheme):
    """make_user(role, **fields): a user of `role`, by default in the `scheme` fixture (an
    organisation manager: of the organisation the `scheme` fixture then belongs to)."""

    def make(role, **fields):
        if Role(role) == Role.ORGANISATION_MANAGER:
            if "organisation" not in fields:
                if scheme.organisation_id is None:
                    scheme.organisation = OrganisationFactory()
                    scheme.save()
                fields["organisation"] = scheme.organisation
            return ROLE_FACTORIES[Role(role)](**fields)
        fields.setdefault("scheme", scheme)
        return ROLE_FACTORIES[Role(role)](**fields)

    return make


@pytest.fixture
def ward_staff(make_user):
    return make_user(Role.WARD_STAFF)


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR)


@pytest.fixture
def volunteer(make_user):
    return make_user(Role.VOLUNTEER)


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture
def pseudo_locale(monkeypatch):
    """Every word a page shows must be marked for translation (tests/i18n.py)."""
    return PseudoLocale(monkeypatch)
