# Everyday commands. `make run` and `make test` set everything up on first use.

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint fmt

$(PY):
	python3 -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
		$(PY) manage.py runserver 127.0.0.1:$${PORT:-8000}

test: $(STAMP) chromium
	$(VENV)/bin/pytest

.PHONY: chromium
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
		else \
			echo "Browser tests need Debian's chromium at $(CHROMIUM)."; \
			echo "Install it with: sudo apt-get install chromium (or set CHROMIUM_PATH)."; \
			exit 1; \
		fi; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
