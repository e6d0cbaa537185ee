"""Survivors already explained, kept from the last run, so the next run need not run their
tests again.

A mutant the tests notice stops at its first failing test, in a second or two; a survivor runs
every test that calls its function to the end, and the explained ones (docs/safety/mutation.md:
equivalent or harmless) survive every run. They were most of the time a whole run took. After
a run (tests/mutation/score.py), the survivors of each module whose survivors are all
explained are recorded in RECORD with a fingerprint of the module as mutmut wrote it (every
mutant of every function, and the code they were made from). In the next run, a mutant
recorded there, in a module whose fingerprint is unchanged, is counted as surviving without
running its tests (tests/conftest.py): the score counts it as a survivor, as before. A change
anywhere in the module changes the fingerprint, so its survivors are run again, their numbers
and their code judged afresh.

What it cannot see: a survivor equivalent only because of code in another module (a caller
that always passes an argument, say) stays recorded if only that other module changes.
MUTATION_ALL=1 runs every mutant's tests, the recorded ones too.
"""

import hashlib
import json
import os
from pathlib import Path

RECORD = Path(__file__).with_name("recorded-survivors.json")


def module_of(mutant):
    """The file of a mutant's module, as mutmut names it: 'visits.sweeps.x__drain__mutmut_6'
    is in visits/sweeps.py (a method's name, 'xǁClassǁmethod__mutmut_2', likewise)."""
    parts = mutant.split(".")
    first = next(i for i, part in enumerate(parts) if part.startswith(("x_", "xǁ")))
    return "/".join(parts[:first]) + ".py"


def fingerprint(path):
    """The module as mutmut wrote it into the mutants' tree."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def record(survivors_by_module, root, record_path=None):
    """Keep each module's explained survivors with its fingerprint in the tree `root`."""
    (record_path or RECORD).write_text(
        json.dumps(
            {
                module: {"fingerprint": fingerprint(root / module), "survivors": sorted(names)}
                for module, names in sorted(survivors_by_module.items())
                if names
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )


def taken_as_surviving(mutant, root, record_path=RECORD):
    """Whether `mutant` is a recorded survivor of a module unchanged since, in the tree
    `root`, and is not to be run (MUTATION_ALL=1 runs them all)."""
    if os.environ.get("MUTATION_ALL") or not record_path.exists():
        return False
    module = module_of(mutant)
    kept = json.loads(record_path.read_text()).get(module)
    if not kept or mutant not in kept["survivors"]:
        return False
    return (root / module).exists() and fingerprint(root / module) == kept["fingerprint"]
