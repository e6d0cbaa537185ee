"""The mutation score of each care-critical module, after `mutmut run` (`make mutation`).

`python -m tests.mutation.score [GLOB ...]`: the mutants whose names match a glob (as given to
`mutmut run`), or all.

Reads mutmut's results (mutants/<module>.py.meta) and prints, per module, how many mutants the
tests killed (a timeout counts: the change was noticed), the score, and every survivor by name
(`mutmut show <name>` prints its change). The goal: at least GOAL per cent noticed in each
module, and every survivor listed in docs/safety/mutation.md with why it is equivalent or
harmless. Exits 1 until both hold for every module and every mutant has been checked.
"""

import json
import re
import sys
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

from mutmut.stats import status_by_exit_code

from tests.mutation.recorded import RECORD, fingerprint, record, taken_as_surviving

GOAL = 90.0
NOTICED = {"killed", "timeout", "caught by type check"}
EXPLAINED = Path("docs/safety/mutation.md")


def explained():
    """The survivors docs/safety/mutation.md explains: its lines that start with a mutant's name."""
    if not EXPLAINED.exists():
        return set()
    return set(re.findall(r"^\| `([\w.ǁ]+__mutmut_\d+)`", EXPLAINED.read_text(), flags=re.M))


def results(selected, root=Path("mutants")):
    """{module file: {mutant name: status}} from mutmut's .meta files, for the mutants whose
    names match one of the globs in `selected` (all when empty)."""
    found = {}
    for meta in sorted(root.rglob("*.py.meta")):
        module = meta.relative_to(root).as_posix().removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        statuses = {
            name: status_by_exit_code[code]
            for name, code in codes.items()
            if not selected or any(fnmatch(name, glob) for glob in selected)
        }
        if statuses:
            found[module] = statuses
    return found


def main(selected):
    ok = True
    accepted = explained()
    found = results(selected)
    root = Path("mutants")
    explained_modules = {}
    for module, statuses in found.items():
        counts = Counter(statuses.values())
        judged = {name: s for name, s in statuses.items() if s not in ("not checked", "skipped")}
        survivors = sorted(name for name, s in judged.items() if s not in NOTICED)
        unexplained = [name for name in survivors if name not in accepted]
        score = 100 * (len(judged) - len(survivors)) / len(judged) if judged else 0.0
        print(
            f"{module}: {score:.1f}% ({len(judged) - len(survivors)} of {len(judged)} noticed; "
            f"{len(survivors) - len(unexplained)} survivors explained, {len(unexplained)} not"
            + (f"; {counts['not checked']} not yet checked" if counts["not checked"] else "")
            + ")"
        )
        taken = [name for name in survivors if taken_as_surviving(name, root)]
        if taken:
            print(
                f"    {len(taken)} of the survivors recorded by the last run that passed, the "
                "module unchanged since: not run again (MUTATION_ALL=1 runs them)"
            )
        for name in unexplained:
            print(f"    {statuses[name]}: {name}")
        if not unexplained and not counts["not checked"]:
            explained_modules[module] = statuses
        ok = ok and score >= GOAL and not unexplained and not counts["not checked"]
    if explained_modules:
        record_survivors(explained_modules, root)
        print(f"The survivors of {', '.join(explained_modules)} recorded in {RECORD}")
    return 0 if ok else 1


def record_survivors(found, root):
    """The survivors of each module in `found`, every one explained: the next run takes them
    as surviving while their module is unchanged (tests/mutation/recorded.py). The survivors
    recorded before of a module unchanged since are kept too (a run of part of it did not run
    them); a module not in `found` keeps its record if it is unchanged."""
    before = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    by_module = {}
    for module in sorted(set(before) | set(found)):
        kept = before.get(module)
        unchanged = kept and fingerprint(root / module) == kept["fingerprint"]
        survived = {name for name, s in found.get(module, {}).items() if s == "survived"}
        by_module[module] = sorted(survived | set(kept["survivors"] if unchanged else ()))
    record(by_module, root)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
