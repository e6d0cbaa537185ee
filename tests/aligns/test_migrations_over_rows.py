"""Each app's newest migration, run back and forward again over a database holding rows of
every kind (the demo's: referrals, clients, support, offers, their history).

A migration tried only on an empty database can pass every test and still fail on the
scheme's own: one that writes rows in the transaction that builds an index is refused by
PostgreSQL ("pending trigger events") only when there are rows to write. CI runs this on
PostgreSQL; it skips where the tables were made from the models (--no-migrations: the mutation
runs), as there are no migrations recorded to run back.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from referrals.models import Referral
from visits.models import Assignment, Contact


def newest_migrations():
    """(app, the migration before its newest) for each of the project's own apps
    (not the libraries') whose newest migration has one before it and nothing after it in any
    app (running back one that others build on would run theirs back too, to the start)."""
    ours = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
    }
    graph = MigrationExecutor(connection).loader.graph
    pairs = []
    for app, name in sorted(graph.leaf_nodes()):
        node = graph.node_map[(app, name)]
        before = [parent for parent in node.parents if parent[0] == app]
        if app in ours and before and not node.children:
            pairs.append((app, before[0][1]))
    return pairs


@pytest.mark.django_db(transaction=True)
def test_each_apps_newest_migration_runs_back_and_forward_over_the_demos_rows(request):
    if request.config.getoption("nomigrations"):
        pytest.skip("the tables were made from the models: there are no migrations to run back")
    call_command("seed_demo", "--force")
    counts = (Referral.objects.count(), Assignment.objects.count(), Contact.objects.count())
    migrations = newest_migrations()
    assert {app for app, _ in migrations} >= {"visits"}

    for app, before in migrations:
        call_command("migrate", app, before, verbosity=0)
        call_command("migrate", verbosity=0)

    executor = MigrationExecutor(connection)
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())  # all applied
    assert (Referral.objects.count(), Assignment.objects.count(), Contact.objects.count()) == counts
