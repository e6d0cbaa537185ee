"""A service that takes a row lock runs in a transaction of its own.

`select_for_update` outside a transaction is an error on PostgreSQL, and a lock that ends as
soon as it is taken protects nothing; the tests cannot see a missing `transaction.atomic`,
because each test runs inside a transaction already. So this reads the code: every public
function of the services modules that locks a row (`select_for_update`, or a module's own
`_lock` helper) does so inside `with transaction.atomic():`, or is decorated with
`transaction.atomic`. (Private helpers are called by such services, inside their
transactions.) It was written after two new refusal rules were put between a service and its
decorator, leaving closing support and the return home without one.

The services that `make mutation` changes open their transaction in their body, not with the
decorator: mutmut leaves every decorated function alone, so the decorator hid their bodies
from it (docs/safety/mutation.md).
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


def _is_atomic(expression):
    return ast.unparse(expression) in ("transaction.atomic", "transaction.atomic()")


def _locks_outside_a_transaction(node):
    """Whether `node` takes a row lock anywhere but inside `with transaction.atomic():`."""
    if isinstance(node, ast.With) and any(_is_atomic(item.context_expr) for item in node.items):
        return False
    if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
        return True
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_lock":
        return True
    return any(_locks_outside_a_transaction(child) for child in ast.iter_child_nodes(node))


def _unguarded(function):
    if any(_is_atomic(decorator) for decorator in function.decorator_list):
        return False
    return any(_locks_outside_a_transaction(statement) for statement in function.body)


@pytest.mark.parametrize("module", SERVICES)
def test_every_service_that_locks_a_row_runs_in_its_own_transaction(module):
    tree = ast.parse((ROOT / module).read_text())
    unguarded = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        # A mutation run's copies of each function (x__lock__mutmut_3 of _lock), in the tree
        # it makes for them: not the code itself.
        and "__mutmut_" not in node.name
        and _unguarded(node)
    ]
    assert unguarded == []


def test_the_services_modules_are_found():
    assert {"visits/services.py", "referrals/services.py", "clients/services.py"} <= set(SERVICES)


@pytest.mark.parametrize(
    ("source", "unguarded"),
    [
        ("@transaction.atomic\ndef f(e):\n    e = _lock(e)\n", False),
        (
            "def f(e):\n    '''Doc.'''\n    with transaction.atomic():\n        e = _lock(e)\n",
            False,
        ),
        ("def f(e):\n    with transaction.atomic():\n        pass\n    e = _lock(e)\n", True),
        ("def f(e):\n    with open(e):\n        X.objects.select_for_update().get()\n", True),
        ("def f(e):\n    e = _lock(e)\n", True),
        ("def f(e):\n    return e\n", False),
    ],
)
def test_a_lock_is_guarded_only_by_a_transaction_around_it(source, unguarded):
    assert _unguarded(ast.parse(source).body[0]) is unguarded
