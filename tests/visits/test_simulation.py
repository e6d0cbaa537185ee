"""A scheme's eight weeks in simulated time (tests/visits/simulation.py): nobody is forgotten,
whatever the workers and the broker do.

ALIGNS_SIMULATION_EPISODES sets the size (120 here), ALIGNS_SIMULATION_SWEEP_MINUTES how often
the beat runs the sweeps (60 here, to keep it quick; production's 5 in `make simulate`, which
also runs 1,000 episodes and prints what happened), ALIGNS_SIMULATION_SEED the draw.
"""

import os

import pytest

from tests.visits.conftest import kept_figures
from tests.visits.simulation import Simulation
from visits.figures import figures_rebuilt

EPISODES = int(os.environ.get("ALIGNS_SIMULATION_EPISODES", "120"))
SWEEP_MINUTES = int(os.environ.get("ALIGNS_SIMULATION_SWEEP_MINUTES", "60"))
SEED = int(os.environ.get("ALIGNS_SIMULATION_SEED", "1"))


@pytest.fixture
def simulated_mail_server(settings):
    settings.EMAIL_BACKEND = "tests.visits.simulation.SimulatedMailServer"


@pytest.mark.django_db(transaction=True)  # so work queued on commit runs, as in production
def test_eight_weeks_with_crashes_and_an_outage_forget_nobody(simulated_mail_server):
    findings = Simulation(episodes=EPISODES, sweep_minutes=SWEEP_MINUTES, seed=SEED).run()
    print(f"\n{findings.report()}")

    # It really happened: the faults, the declines, the readmissions and the rest.
    happened = findings.counts
    for what in ("sweeps killed", "workers killed while sending", "offers declined",
                 "offers withdrawn unanswered", "readmissions", "episodes extended",
                 "calls not answered", "overdue calls made by a coordinator"):  # fmt: skip
        assert happened[what] > 0, what
    assert findings.first_calls["escalated"] > 0
    assert findings.held_up_by_faults > 0  # the outage hit deadlines, and the backlog was drained
    assert findings.concerns > 0

    assert findings.silently_missed == []
    assert findings.late_escalations == []
    assert findings.duplicate_reminders == []
    assert findings.undelivered == []
    # A second email with one Message-ID only where a worker died after the mail server took it.
    assert findings.resent_same_id <= happened["workers killed while sending"]
    assert findings.offers_untold == []
    assert findings.concerns_unalerted == []
    assert findings.lapsed_unwarned == []
    # A check that lapsed while its volunteer supported someone was alerted, and handed over.
    assert happened["supports handed over after a lapsed check"] > 0
    assert findings.lapsed_unalerted == []
    assert happened["offers to a lapsed volunteer ALLOWED"] == 0


@pytest.mark.django_db(transaction=True)
def test_the_figures_kept_as_eight_weeks_of_contacts_are_logged_match_the_contacts(
    simulated_mail_server,
):
    # Every contact of the simulation went through contact_log, crashes and all: the first
    # contact kept on each episode and the day totals must be what the contacts say.
    Simulation(episodes=EPISODES // 2, sweep_minutes=SWEEP_MINUTES, seed=SEED).run()
    kept = kept_figures()

    figures_rebuilt()

    assert kept == kept_figures()
    assert kept["days"] and kept["loggers"]  # there were contacts, and who logged them
