# Two commands matter: `make demo` and `make test`. Both set up .venv from nothing first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint typecheck pytest lanes packages browsers containment services clean

# Python here caches compiled modules: with PYTHONDONTWRITEBYTECODE set (some shells and CI
# images set it), every pytest worker and every Python a test starts compiled the whole
# project and its dependencies from source again (about 6 s of CPU each). The grader starts
# its own tools (Locust) with it set, so the environment is compiled once, when installed.
unexport PYTHONDONTWRITEBYTECODE

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	@$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP) containment
	@$(BIN)/python -m classroom.demo

# The Debian packages the tests need install beside `.venv`, ruff and mypy (on a fresh machine
# each is a download, and mypy's first run is all CPU), then the suite runs.
test:
	@$(MAKE) --no-print-directory -j 3 packages lint typecheck
	@$(MAKE) --no-print-directory pytest

# The inner loop while developing (40 to 46 s on this idle 2-core machine): lint, types and every
# test that needs no install, no grading run and no workflow run through act (those are
# marked `slow`), less the few fast ones marked `heavy` (tests/orchestrator/test_learner_view.py,
# the sandbox server and the practice grade run as processes of their own, the synthetic class
# rebuilt in another process). `make test` runs them all.
check: $(STAMP) containment
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@tests/on_scratch.sh $(BIN)/pytest -m "not slow and not heavy" -q -n 4

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The fast tests on 4 workers; then the slow ones in two processes side by side: the modules
# that expect a real assignment's solution to meet its load goals (marked `load_goals`), one
# after another so two load tests never share the two cores (a load goal measures the
# submission, not the suite's own traffic), with any test marked `load_lane` to even out the
# lanes (one: a hostile grading whose 2 s load run needs its requests); and every other slow
# test (act runs, installs) beside them at a lower priority (nice: basis.procs hands it on to
# every command the tests start, each in a session and so a scheduler autogroup of its own). Tried and not kept (figures in the README, "make test"): the
# load lane beside the fast tests, the other lane beside them, the other lane on 2 workers (on
# a RAM disk too: faster, but the notes fixture's load goal, judged without a reference, then
# failed by chance in the gradings that expect its full marks).
# The load lane's output follows the other's. All of it runs with /tmp on a RAM disk of its own
# where root may (tests/on_scratch.sh): the tests' scratch files, the grader's workspaces and
# caches, the sandbox's repositories and PostgreSQL's clusters.
pytest: $(STAMP) packages browsers containment services
	@tests/on_scratch.sh $(MAKE) --no-print-directory lanes

lanes:
	$(BIN)/pytest -m "not slow" -n 4
	@$(BIN)/pytest -m "slow and (load_goals or load_lane)" --durations=10 > .pytest-load-lane.log 2>&1 & goals=$$!; \
	nice -n 10 $(BIN)/pytest -m "slow and not load_goals and not load_lane" --durations=10; rest=$$?; \
	wait $$goals; held=$$?; cat .pytest-load-lane.log; rm -f .pytest-load-lane.log; \
	exit $$(( rest || held ))

# What each of the three targets below needs, and how root installs Debian packages.
HAS_CHROMIUM := test -x /usr/bin/chromium
HAS_CONTAINMENT := command -v bwrap >/dev/null && command -v ip >/dev/null
HAS_SERVICES := ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

# Whatever the three targets below lack, in one `apt-get update` where root may (each then
# finds its own there): a fresh machine paid for an update per target.
packages:
	@missing=""; \
	{ $(HAS_CHROMIUM); } || missing="$$missing chromium"; \
	{ $(HAS_CONTAINMENT); } || missing="$$missing bubblewrap iproute2"; \
	{ $(HAS_SERVICES); } || missing="$$missing postgresql redis-server"; \
	[ -z "$$missing" ] || [ "$$(id -u)" != 0 ] || { $(APT_INSTALL) $$missing >/dev/null; }

# The dashboard's browser tests drive the system Chromium (Playwright cannot download one here).
browsers:
	@$(HAS_CHROMIUM) || { $(APT_INSTALL) chromium >/dev/null; }

# Full containment of learner code (graders/running/containment.py): bubblewrap for a private
# filesystem, iproute2 for the service's own network namespace. Root installs them; elsewhere
# the grader falls back to partial containment and says so in every report.
containment:
	@{ $(HAS_CONTAINMENT); } || { [ "$$(id -u)" != 0 ] || { $(APT_INSTALL) bubblewrap iproute2 >/dev/null; }; }

# The databases an assignment's `[app.services]` asks for (graders/running/services.py): the grader
# starts its own PostgreSQL cluster and Redis server per stage from these packages' binaries
# (the packages' own system services are not needed). Root installs them; elsewhere a stage
# that needs one ends with an error that says what to install.
services:
	@{ $(HAS_SERVICES); } || { [ "$$(id -u)" != 0 ] || { $(APT_INSTALL) postgresql redis-server >/dev/null; }; }

clean:
	rm -rf $(VENV) grade-out .pytest_cache .mypy_cache .ruff_cache
