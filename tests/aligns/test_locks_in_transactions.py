"""A service that takes a row lock runs in a transaction of its own.

`select_for_update` outside a transaction is an error on PostgreSQL, and a lock that ends as
soon as it is taken protects nothing; the tests cannot see a missing `transaction.atomic`,
because each test runs inside a transaction already. So this reads the code: every public
function of the services modules that locks a row (`select_for_update`, or a module's own
`_lock` helper) is decorated with `transaction.atomic`. (Private helpers are called by such
services, inside their transactions.) It was written after two new refusal rules were put
between a service and its decorator, leaving closing support and the return home without one.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(
    path.relative_to(ROOT).as_posix()
    for package in ("aligns", "clients", "referrals", "visits", "volunteers", "records", "reports")
    for path in (ROOT / package).rglob("services.py")
)


def _locks(function):
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_lock":
            return True
    return False


def _atomic(function):
    return any("transaction.atomic" in ast.unparse(d) for d in function.decorator_list)


@pytest.mark.parametrize("module", SERVICES)
def test_every_service_that_locks_a_row_runs_in_its_own_transaction(module):
    tree = ast.parse((ROOT / module).read_text())
    unguarded = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and _locks(node)
        and not _atomic(node)
    ]
    assert unguarded == []


def test_the_services_modules_are_found():
    assert {"visits/services.py", "referrals/services.py", "clients/services.py"} <= set(SERVICES)
