# IntercoTOUR: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DEBUG ?= true

.PHONY: install run test lint format messages demo-data clean system-libraries

# WeasyPrint (attendance certificates) loads Pango and HarfBuzz from the system, and needs fonts.
SYSTEM_LIBRARIES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed .env

# Local development settings, so that plain `.venv/bin/python manage.py ...` works too.
.env:
	printf '# Local development (made by make; see .env.example)\nDEBUG=true\n' > $@

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

system-libraries: install
	@$(PY) -c "import weasyprint" 2>/dev/null || { \
	  echo "WeasyPrint, which renders the attendance certificates, cannot load Pango and HarfBuzz."; \
	  echo "  Debian/Ubuntu:  sudo apt-get install $(SYSTEM_LIBRARIES)"; \
	  echo "  Fedora:         sudo dnf install pango dejavu-sans-fonts"; \
	  echo "  macOS:          brew install pango"; \
	  echo "See https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"; \
	  exit 1; }

run: install system-libraries
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_demo_admin
	@echo ""
	@echo "  Public site:  http://127.0.0.1:8000/"
	@echo "  Admin:        http://127.0.0.1:8000/admin/  (demo admin printed above)"
	@echo "  With a task worker (e-mails) and the scheduler; Ctrl-C stops all three."
	@echo ""
	$(PY) bin/devserver

test: install
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory node_modules/axe-core/axe.min.js; fi
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages --locale fr --ignore ".venv/*" --ignore "node_modules/*"
	$(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) node_modules .pytest_cache .test-db.sqlite3*
