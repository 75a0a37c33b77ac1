# Lượt: `make run` starts the demo office, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench translations clean

$(STAMP): setup.cfg setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python run.py --demo $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/bench_server.py

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o server/translations/messages.pot .
	$(BIN)/pybabel update -i server/translations/messages.pot -d server/translations
	$(BIN)/pybabel compile -d server/translations

clean:
	rm -rf $(VENV) build *.egg-info
