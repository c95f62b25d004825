# Everyday commands. `make run` and `make test` set everything up on first use.

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The browser tests read CHROMIUM_PATH too, so one variable serves both.
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.PHONY: run serve test lint fmt

$(PY):
	python3 -m venv $(VENV)

# Reinstall only when the lock changes. The pins come from pyproject.toml through pip-tools:
# `make lock` after editing the dependencies there.
$(STAMP): requirements-dev.txt | $(PY)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements-dev.txt
	$(PY) -m pip install --no-deps -e .
	touch $(STAMP)

.PHONY: lock
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.txt pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra dev -o requirements-dev.txt pyproject.toml

# The development server and the PDF worker (`manage.py db_worker`), started and stopped
# together by planner_ops/launch.py: Ctrl-C stops both.
WORKER_ARGS := db_worker --interval 0.5 --no-startup-delay

run: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
		exec $(PY) -m planner_ops.launch "$(PY) manage.py runserver 127.0.0.1:$${PORT:-8000}" \
		"$(PY) manage.py $(WORKER_ARGS)"

# The production server, as the Docker image runs it: gunicorn with gunicorn.conf.py,
# DEBUG off, collected static files, SQLite in WAL mode unless DATABASE_URL is set.
# Listens on 127.0.0.1:$$PORT (default 8000); BIND=0.0.0.0:8000 opens it to the network.
# One PDF worker runs beside it (planner_ops/launch.py); stopping either stops both.
serve: $(STAMP) .secret_key
	export DEBUG=false SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key)}" \
		BIND="$${BIND:-127.0.0.1:$${PORT:-8000}}"; \
	$(PY) manage.py collectstatic --noinput --verbosity 0 \
	&& $(PY) manage.py migrate --noinput \
	&& exec $(PY) -m planner_ops.launch "$(VENV)/bin/gunicorn -c gunicorn.conf.py planner.wsgi" \
		"$(PY) manage.py $(WORKER_ARGS) --no-reload"

# Load-test `make serve` on a free loopback port with wrk; prints a table and writes
# bench/results.json (see bench/README.md). BENCH_DURATION=10 sets the seconds per row.
.PHONY: bench
bench: $(STAMP) .secret_key
	$(PY) bench/run.py

# A random key kept out of git, so `make serve` keeps sessions across restarts.
.secret_key: | $(PY)
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# PYTEST_ARGS narrows a run, e.g. PYTEST_ARGS='-m "not browser"'.
test: $(STAMP) chromium vnu
	$(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: chromium
chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
		else \
			echo "Browser tests need Debian's chromium at $(CHROMIUM_PATH)."; \
			echo "Install it with: sudo apt-get install chromium (or set CHROMIUM_PATH)."; \
			exit 1; \
		fi; \
	fi

# The Nu HTML Checker for tests/test_html_validity.py: Java and the vnu-jar npm package in .vnu/.
# As root (CI) the JRE and npm are installed with apt-get; otherwise the test skips, saying why.
VNU_JAR := .vnu/node_modules/vnu-jar/build/dist/vnu.jar
.PHONY: vnu
vnu: $(VNU_JAR)

$(VNU_JAR):
	@# npm only when it is missing: a NodeSource nodejs already carries npm and conflicts
	@# with Debian's npm package.
	@missing=""; \
	command -v java >/dev/null || missing="default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
		else \
			echo "The HTML validity test needs Java and npm (sudo apt-get install$$missing);"; \
			echo "without them it is skipped."; \
		fi; \
	fi
	@if command -v npm >/dev/null; then npm install --prefix .vnu --no-audit --no-fund vnu-jar; fi

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
