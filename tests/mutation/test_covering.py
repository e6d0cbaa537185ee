"""A mutant runs only the tests that ran the statement it changed, as mutmut wrote it."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.mutation import covering

# A function as mutmut writes it into the mutants' tree: the unchanged copy (orig), then each
# mutant, a copy with one change.
ORIG = '''def x_due__mutmut_orig(episode, *, hours=72):
    """Plan the first call."""
    if episode["home"] and (
        episode["calls"] > 0
    ):
        episode["planned"] = dict(
            hours=hours,
            kind="call",
        )
    return episode
'''
MUTANTS = {
    # the if's condition: its head, not the block under it
    1: ORIG.replace('episode["home"] and', 'episode["home"] or'),
    # a keyword's value inside a call written on several lines: the whole statement
    2: ORIG.replace('kind="call"', 'kind="XXcallXX"'),
    # a keyword taken out: the copy is a line shorter, the statement is the same
    3: ORIG.replace('            kind="call",\n', ""),
    # a default: worked out when the module is imported, by no test
    4: ORIG.replace("hours=72", "hours=73"),
    5: ORIG.replace("    return episode", "    return None"),
}
SOURCE = "\n\n".join(
    [ORIG] + [text.replace("__mutmut_orig", f"__mutmut_{n}") for n, text in MUTANTS.items()]
)
IF_HEAD, CALL, RETURN = [3, 4, 5], [6, 7, 8, 9], [10]


def test_each_mutant_is_put_down_to_the_statement_it_changed():
    changed = covering.changed_statements(SOURCE, "visits.plans")

    assert changed == {
        "visits.plans.x_due__mutmut_1": IF_HEAD,
        "visits.plans.x_due__mutmut_2": CALL,
        "visits.plans.x_due__mutmut_3": CALL,
        "visits.plans.x_due__mutmut_4": None,
        "visits.plans.x_due__mutmut_5": RETURN,
    }


def test_a_method_of_a_class_is_found_as_mutmut_names_it():
    method = "class Plan:\n" + "".join(
        "    " + line + "\n" if line else "\n"
        for line in SOURCE.replace("x_due", "xǁPlanǁdue").splitlines()
    )

    changed = covering.changed_statements(method, "visits.plans")

    assert changed["visits.plans.xǁPlanǁdue__mutmut_5"] == [line + 1 for line in RETURN]


def _test(nodeid, parent=None):
    return SimpleNamespace(nodeid=nodeid, parent=parent)


def test_a_test_runs_if_it_or_its_class_or_module_ran_the_line():
    module = _test("tests/test_plans.py", _test("tests", _test("")))
    case = _test("tests/test_plans.py::TestPlan", module)
    method = _test("tests/test_plans.py::TestPlan::test_first", case)
    other = _test("tests/test_plans.py::test_other", module)

    assert covering.ran_the_line(method, {"tests/test_plans.py::TestPlan"})
    assert not covering.ran_the_line(other, {"tests/test_plans.py::TestPlan"})
    assert covering.ran_the_line(other, {"tests/test_plans.py"})
    assert not covering.ran_the_line(other, {"tests/test_plans.py::test_first"})


def test_a_fixture_set_up_for_a_test_counts_for_its_class_or_module():
    case = _test("tests/test_plans.py::TestPlan")
    method = _test("tests/test_plans.py::TestPlan::test_first", case)

    assert covering.context_of(method, "setup") == case.nodeid
    assert covering.context_of(method, "call") == method.nodeid
    assert covering.context_of(method, "teardown") == method.nodeid


@pytest.mark.skipif(
    os.environ.get("MUTANT_UNDER_TEST") == "stats",
    reason="mutmut's stats run records coverage itself, and coverage records one at a time",
)
def test_the_tests_that_ran_a_statement_are_found_from_the_lines_they_ran(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MUTATION_BY_FUNCTION", raising=False)
    (tmp_path / "plans.py").write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("plans_for_covering", tmp_path / "plans.py")
    plans = importlib.util.module_from_spec(spec)
    recorder = covering.start_recording(["plans.py"])
    try:
        spec.loader.exec_module(plans)
        recorder.switch_context("tests/test_plans.py::test_not_home")
        plans.x_due__mutmut_orig({"home": False})
        recorder.switch_context("tests/test_plans.py::test_home")
        plans.x_due__mutmut_orig({"home": True, "calls": 1})
    finally:
        sys.modules.pop("plans_for_covering", None)
        covering.finish_recording(recorder, ["plans.py"])

    both = {"tests/test_plans.py::test_not_home", "tests/test_plans.py::test_home"}
    assert covering.covering_tests("plans.x_due__mutmut_1") == both
    assert covering.covering_tests("plans.x_due__mutmut_2") == {"tests/test_plans.py::test_home"}
    assert covering.covering_tests("plans.x_due__mutmut_4") is None
    monkeypatch.setenv("MUTATION_BY_FUNCTION", "1")
    assert covering.covering_tests("plans.x_due__mutmut_2") is None


LIMITS_AFTER = """
import resource
from tests.mutation import covering
resource.setrlimit(resource.RLIMIT_CPU, ({soft}, {soft} + 1))
covering.limit_cpu(2.0)
print(resource.getrlimit(resource.RLIMIT_CPU)[0])
"""


def _cpu_limit_after_narrowing(tmp_path, soft):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.mutmut]\ntimeout_multiplier = 3.0\ntimeout_constant = 10.0\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", LIMITS_AFTER.format(soft=soft)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(covering.__file__).parents[2])},
        capture_output=True,
        text=True,
        check=True,
    )
    return int(ran.stdout)


def test_a_narrowed_mutant_is_stopped_after_the_cpu_its_own_tests_allow(tmp_path):
    # (2 s its tests took + 10) x 3, doubled as mutmut does: 72 s, from the CPU used so far.
    assert 72 < _cpu_limit_after_narrowing(tmp_path, soft=1000) < 72 + 10


def test_mutmuts_own_limit_stands_when_it_is_the_lower(tmp_path):
    assert _cpu_limit_after_narrowing(tmp_path, soft=40) == 40
