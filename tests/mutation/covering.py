"""Each mutant's tests narrowed to those that ran the line it changed.

mutmut runs, for each mutant, every test that called the function it changed. A function of
the schedule is called by hundreds of tests, most of which never reach the line a given mutant
changed; those tests cannot notice it, since until that line runs the mutant's program is the
unchanged one. So the first run of every test that mutmut makes (its "stats" run, in the
mutants' tree) also records, with coverage.py, which tests ran each line of the modules
mutated (a test's setup counts for every test of its class or module, which may share what it
made), and when it ends works out, for every mutant, the tests that ran the statement it
changed (COVERING). A mutant's run then keeps only those of its tests (tests/conftest.py).

What it does not narrow, and runs as before: a mutant whose change is in the function's
signature (defaults are worked out when the module is imported, by no test). A mutant whose
statement no test runs runs no tests and survives, as it would have after running them all.
MUTATION_BY_FUNCTION=1 turns the narrowing off, to compare.
"""

import ast
import difflib
import json
import os
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

# Both in the mutants' tree, where mutmut runs the tests (a fresh one for each `make mutation`).
LINES = Path("mutmut-lines-run.coverage")
COVERING = Path("mutmut-covering-tests.sqlite3")

_MUTATED_FUNCTION = re.compile(r"^(?P<function>(?:x_|xǁ).+)__mutmut_(?P<which>orig|\d+)$")


def mutmut_settings():
    """`make mutation`'s configuration ([tool.mutmut] of pyproject.toml, copied into the
    mutants' tree, where its tests run)."""
    import tomllib

    return tomllib.loads(Path("pyproject.toml").read_text())["tool"]["mutmut"]


def narrowing():
    return not os.environ.get("MUTATION_BY_FUNCTION")


def start_recording(mutated_files):
    """Coverage of the mutated modules for the rest of this session (mutmut's stats run)."""
    import coverage

    recorder = coverage.Coverage(
        data_file=str(LINES),
        include=[str(Path(name).resolve()) for name in mutated_files],
        config_file=False,
    )
    recorder.erase()
    recorder.start()
    return recorder


def context_of(item, phase):
    """Whose the lines run now are: the test's own while it runs and is torn down; while it is
    set up, its class's or module's, as a fixture it shares with them may be made now."""
    if phase == "setup":
        return item.parent.nodeid
    return item.nodeid


def finish_recording(recorder, mutated_files):
    recorder.stop()
    recorder.save()
    data = recorder.get_data()
    rows = []
    for name in mutated_files:
        path = Path(name)
        tests_by_line = data.contexts_by_lineno(str(path.resolve()))
        for mutant, lines in changed_statements(path.read_text(), module_name(name)).items():
            if lines is None:
                rows.append((mutant, None))
                continue
            tests = set().union(*(tests_by_line.get(line, ()) for line in lines)) - {""}
            rows.append((mutant, json.dumps(sorted(tests))))
    COVERING.unlink(missing_ok=True)
    with sqlite3.connect(COVERING) as database:
        database.execute("CREATE TABLE covering (mutant TEXT PRIMARY KEY, tests TEXT)")
        database.executemany("INSERT INTO covering VALUES (?, ?)", rows)
    database.close()


def module_name(file_name):
    return file_name.removesuffix(".py").replace("/", ".")


def changed_statements(source, module):
    """{mutant name: the lines of the statement it changed, in the unchanged copy of its
    function (x_f__mutmut_orig), or None where that cannot be told (see the module's note)}."""
    lines = source.splitlines()
    functions = defaultdict(dict)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            named = _MUTATED_FUNCTION.match(node.name)
            if named:
                functions[named["function"]][named["which"]] = node
    found = {}
    for function, copies in functions.items():
        orig = copies.pop("orig", None)
        for which, mutant in copies.items():
            name = f"{module}.{function}__mutmut_{which}"
            found[name] = None if orig is None else _statement_changed(lines, orig, mutant)
    return found


def _statement_changed(lines, orig, mutant):
    before = lines[orig.lineno - 1 : orig.end_lineno]
    after = lines[mutant.lineno - 1 : mutant.end_lineno]
    after[0] = after[0].replace(mutant.name, orig.name, 1)
    differ = set()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, first, last, _, _ in matcher.get_opcodes():
        if tag != "equal":
            # Lines put in (first == last) go between two of the unchanged: count both.
            differ.update(range(first - (first == last), max(last, first + 1)))
    differ = sorted(orig.lineno + index for index in differ)
    if not differ or differ[0] < orig.body[0].lineno:
        return None  # the signature, or nothing this can see
    statements = set()
    for line in differ:
        first, last = _innermost_statement(orig, line)
        statements.update(range(first, last + 1))
    return sorted(statements)


def _innermost_statement(function, line):
    """The first and last line of the innermost statement holding `line`; of a compound one
    (if, for, with, try...), only its head, up to its first inner statement."""
    best = (function.body[0].lineno, function.end_lineno)
    for node in ast.walk(function):
        if node is function or not isinstance(node, ast.stmt):
            continue
        first, last = node.lineno, node.end_lineno
        inner = [
            child.lineno
            for field in ("body", "orelse", "finalbody", "handlers", "cases")
            for child in getattr(node, field, None) or ()
            if hasattr(child, "lineno")
        ]
        if inner and line < min(inner):
            last = min(inner) - 1
        elif inner:
            continue  # inside the body: an inner statement holds it
        if first <= line <= last and last - first <= best[1] - best[0]:
            best = (first, last)
    return best


def covering_tests(mutant):
    """The tests that ran the statement `mutant` changed (node ids, with a class or module
    standing for all its tests), or None to run all mutmut chose."""
    if not (narrowing() and COVERING.exists()):
        return None
    with sqlite3.connect(COVERING) as database:
        row = database.execute("SELECT tests FROM covering WHERE mutant = ?", [mutant]).fetchone()
    database.close()
    if row is None or row[0] is None:
        return None
    return set(json.loads(row[0]))


def limit_cpu(seconds_unmutated):
    """Stop this mutant's run (SIGXCPU, which mutmut counts as a timeout: noticed) once it has
    used the CPU mutmut would allow tests that took `seconds_unmutated` (pyproject.toml:
    timeout_multiplier, timeout_constant), if that is less than mutmut's own limit, which
    counts every test that calls the function."""
    import resource

    settings = mutmut_settings()
    allowed = (seconds_unmutated + settings["timeout_constant"]) * settings["timeout_multiplier"]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(usage.ru_utime + usage.ru_stime + 2 * allowed) + 1  # mutmut doubles it too
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if soft != resource.RLIM_INFINITY and limit < soft:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def ran_the_line(item, covering):
    """Whether `item`, or its class or module, is among `covering`."""
    node = item
    while node is not None:
        if node.nodeid in covering:
            return True
        node = node.parent
    return False
