# Two commands set everything up on a fresh machine:
#   make demo   create .venv, install mynacard, run it on samples/, write out/
#   make test   the same set-up, then the test suite
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    := out
# pip configurations that list absent local mirrors print this once per package; it is harmless.
# setuptools also warns about editable installs in general (the fonts/ folder is mapped into the
# package); that warning is silenced by its message.
PIP_NOISE := is ignored: it is neither a file nor a directory

.PHONY: demo test lint typecheck docs bench clean system-deps system-deps-test

# .venv is made again when it has no working pip (a venv left half-made by a Python without
# ensurepip); Debian/Ubuntu's pythonX.Y-venv is installed first when the interpreter lacks it
$(STAMP): pyproject.toml
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || \
	    { scripts/system-deps.sh venv $(PYTHON) && $(PYTHON) -m venv --clear $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip 2>&1 | { grep -v "$(PIP_NOISE)" || true; }
	PYTHONWARNINGS="ignore:Editable installation" \
	    $(BIN)/python -m pip install -q -e '.[serve,cluster,test,docs]' 2>&1 | { grep -v "$(PIP_NOISE)" || true; }
	@touch $(STAMP)

system-deps:
	@scripts/system-deps.sh runtime

system-deps-test:
	@scripts/system-deps.sh test

demo: $(STAMP) system-deps
	@scripts/demo.sh $(BIN) $(OUT)

test: $(STAMP) system-deps-test typecheck docs
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check .

# mypy over cardface/, photo/ and mynacard/ ([tool.mypy] in pyproject.toml)
typecheck: $(STAMP)
	$(BIN)/python -m mypy

# the documentation site (mkdocs.yml, docs/) into site/; --strict: a broken link or anchor fails
# (not with --quiet: it hides the warnings that --strict counts)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: $(STAMP)
	@for b in bench/*.py; do case $$b in */__init__.py|*/support.py|*/faces.py) continue;; esac; \
	    echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(OUT) build site *.egg-info
