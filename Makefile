# Lượt: `make run` starts the demo office, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench translations constraints clean package

$(STAMP): setup.cfg setup.py constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python run.py --demo $(ARGS)

# Two pytest-xdist workers: most tests wait on a live server or a browser (tests/conftest.py keeps each
# file on one worker). The files using the shared PostgreSQL database or Redis (marked services: several
# server processes, gunicorn workers killed and replaced) run afterwards on their own, with the machine
# to themselves.
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not services" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m services $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/bench_server.py

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o server/translations/messages.pot .
	$(BIN)/pybabel update -i server/translations/messages.pot -d server/translations
	$(BIN)/pybabel compile -d server/translations

# The office PC's program in one folder, dist/luot (luot.exe on Windows, built there the same way: see the
# README), with a zip of it beside; server/desktop/luot.spec says what goes in.
package: $(STAMP)
	$(BIN)/python -m server.desktop.package --zip

# After upgrading the venv on purpose and running the whole suite: pin what it passed with.
constraints: $(STAMP)
	{ sed -n '/^#/p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) build dist *.egg-info
