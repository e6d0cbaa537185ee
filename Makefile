# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is a step they depend on.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
CSS := var/static-build/css/aligns.css

.PHONY: run test install lint format constraints clean safety faults simulate mutation messages

## run: the app with demo data on SQLite, plus a Celery worker and beat (Ctrl-C stops all)
## (two-factor sign-in is optional in the demo, so the demo logins work with a password alone)
run: install
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo
	@echo
	@echo "ALIGNS is starting on http://127.0.0.1:$(PORT)/ (sign in with a demo login above)"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_DEBUG=true ALIGNS_REQUIRE_TWO_FACTOR=false PORT=$(PORT) \
	  honcho start -f Procfile.dev

## test: the whole suite (browser tests too when Chromium is installed)
test: install
	$(BIN)/pytest

install: $(PY_STAMP) $(CSS)

$(PY_STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): $(NPM_STAMP) static/scss/aligns.scss
	npm run --silent build:css

## safety: take out each care-safety control in turn and check its tests fail (docs/safety)
safety: install
	$(BIN)/python -m tests.safety.check_controls

## faults: the fault-injection suite at full strength: 24 workers killed mid-sweep or
## mid-dispatch, and Redis stopped for 20 s (make test runs 4 and 3 s). Set CELERY_BROKER_URL
## to a Redis to test the production broker.
faults: install
	ALIGNS_FAULT_TRIALS=24 ALIGNS_FAULT_OUTAGE_SECONDS=20 $(BIN)/pytest -s tests/visits/test_fault_injection.py

## simulate: eight weeks of a scheme with 1,000 episodes in simulated time, the sweeps every
## 5 minutes as in production, workers killed and the broker down for 6 hours; prints what
## happened and fails if anybody was forgotten (make test runs 120 episodes, hourly sweeps)
simulate: install
	ALIGNS_SIMULATION_EPISODES=1000 ALIGNS_SIMULATION_SWEEP_MINUTES=5 \
	  $(BIN)/pytest -s -p no:logging tests/visits/test_simulation.py

## mutation: mutation testing of the care-critical modules (pyproject's [tool.mutmut]); each
## mutant runs only the tests that call the function it changed. Prints the score per module
## and the survivors not yet explained in docs/safety/mutation.md. Each run starts from a
## clean mutants/ (below). Not part of make test.
MUTANTS ?= visits.services.* visits.sweeps.* clients.assessment.* clients.services.* \
  aligns.nhs.* volunteers.matching.* reports.figures.x__first_contact* \
  reports.figures.x__discharged* reports.figures.x_last_day_with_window_passed* \
  reports.figures.x__readmitted_within* reports.figures.x__percent* \
  reports.figures.x_headline_figures* reports.figures.x__headline_counts* \
  reports.figures.x__headline_cells* reports.figures.x__contact_days* \
  reports.figures.x__kept_first_contacts* reports.figures.x__kept_clients* \
  reports.figures.x_compare_headlines* \
  reports.figures.x_organisation_figures* visits.figures.* referrals.figures.*
mutation: install
	# From a clean copy: after a change, mutmut re-learns which tests call a changed function
	# from the changed tests only, and the mutants of that function then survive unjudged.
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 $(foreach glob,$(MUTANTS),'$(glob)')
	$(BIN)/python -m tests.mutation.score $(foreach glob,$(MUTANTS),'$(glob)')

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## constraints: re-pin the versions the project is tested with
constraints: install
	$(BIN)/python -m pip install --quiet --upgrade -e '.[dev]'
	{ echo "# Pinned versions known to work together; pyproject.toml holds the ranges."; \
	  echo "# Refresh with: make constraints"; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt

clean:
	rm -rf var node_modules $(VENV)

## messages: gather the strings marked for translation into locale/cy/LC_MESSAGES/django.po
## (translate the new ones there, docs/welsh.md), then compile them for the app to use
I18N_IGNORE := --ignore='tests/*' --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*' --ignore='mutants/*' --ignore='test-artifacts/*'
messages: install
	$(BIN)/python manage.py makemessages -l cy --no-obsolete --add-location=file $(I18N_IGNORE)
	$(BIN)/python manage.py compilemessages -l cy $(I18N_IGNORE)
