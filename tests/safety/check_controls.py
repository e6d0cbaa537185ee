"""Prove each care-safety control has a test that fails without it.

For each control in controls.json (the hazard log's, docs/safety/hazard-log.md): take the
control out of its file, run the tests named for it, check that they fail, and put the file
back exactly as it was. Slow (a minute or two per ten controls), so not part of `make test`:

    make safety        # or: .venv/bin/python -m tests.safety.check_controls

Exits 1, naming them, if any control's tests still pass without it.
"""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONTROLS = pathlib.Path(__file__).with_name("controls.json")


def check(control):
    """True if the named tests fail with the control taken out."""
    path = ROOT / control["file"]
    original = path.read_text()
    if original.count(control["old"]) != 1:
        raise SystemExit(f"{control['id']}: the control is not in {control['file']} as written")
    try:
        path.write_text(original.replace(control["old"], control["new"]))
        run = subprocess.run(  # noqa: S603 - our own pytest on our own tests
            [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-x", *control["tests"]],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        path.write_text(original)
    return run.returncode != 0


def main():
    survivors = []
    for control in json.loads(CONTROLS.read_text()):
        failed = check(control)
        print(f"{control['id']:<36} {'fails without it' if failed else 'STILL PASSES'}")
        if not failed:
            survivors.append(control["id"])
    if survivors:
        print("Controls whose tests pass without them:", ", ".join(survivors))
        sys.exit(1)


if __name__ == "__main__":
    main()
