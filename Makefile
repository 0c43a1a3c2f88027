# Every target sets up .venv from the pinned requirements first; nothing else needs installing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NOTEBOOKS := chapters solutions exercises
# The oldest stack the book supports, Colab's as the course targets it (README, "Supported versions"):
# `make test-compat` runs every notebook on it, in .venv-compat, and on the pinned one.
COMPAT_STACK := tensorflow-cpu==2.19.1 keras==3.10.0 numpy==2.0.2 matplotlib==3.10.0
COMPAT_VENV := .venv-compat
# What the compatibility stack re-resolves: its own packages and the pins that depend on them.
COMPAT_FREED := ^(tensorflow[-_]cpu|tensorboard[-_a-z]*|keras|numpy|ml[-_]dtypes|matplotlib|protobuf)==
# Quiet TensorFlow in every process the targets start, notebooks' kernels included.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: help venv book colab test test-book test-compat exercises format chapter grade autograder bench lock clean

help:
	@echo "make book       build the HTML book into _build/html"
	@echo "make test       everything CI runs: unit, grading and notebook tests, the book build, the Colab edition and the browser test"
	@echo "make colab      write the Colab edition (every chapter and exercise, MyST resolved) into _build/colab, after make book"
	@echo "make test-compat  run every notebook on the oldest supported stack (TensorFlow 2.19, Keras 3.10, NumPy 2.0) and on the pinned one"
	@echo "make exercises  regenerate exercises/ from solutions/ (after 'make format')"
	@echo "make format     normalize notebooks: stripped outputs, badge and setup cell"
	@echo "make chapter NAME=04_lstm TITLE='Long short-term memory' [PART='Gated cells']   start a chapter and its exercise"
	@echo "make grade SUBMISSIONS='a.ipynb b.ipynb'   grade notebooks into grades/"
	@echo "make autograder build one Gradescope autograder zip per exercise into _build/autograder/"
	@echo "make bench      measure notebooks, the book build and make test into reports/benchmarks.md"
	@echo "make lock       re-resolve requirements.in into the pinned requirements.txt"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build -W -n --keep-going .

colab: $(STAMP)
	$(PY) -m tools.colab

# The tests first (notebooks under nbval, two at a time), then the book and its Colab
# edition, then the tests of what they built (tests/book/: the edition run as in Colab,
# and every page in headless Chromium), as CI does.
# The book build renders the outputs nbval collected (conftest.py caches them), so no page
# is executed twice.
# The notebooks run in a session of their own, two at a time, so that each one's time
# against the 60 s budget is measured beside another notebook, not beside the grader's tests.
# TensorFlow keeps its default threads, as in a reader's kernel: one thread per kernel
# (TF_NUM_INTRAOP_THREADS=1) uses a sixth less CPU, but it changes what chapter 5 measures
# (the GRU's CPU per epoch against the LSTM's), so the book is tested as it is read.
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile --ignore=tests/book tests
	$(PY) -m pytest -n 2 --dist loadfile chapters solutions exercises
	$(MAKE) book
	$(MAKE) colab
	$(MAKE) test-book

test-book: $(STAMP)
	$(PY) -m pytest -rs tests/book

$(COMPAT_VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(COMPAT_VENV)
	grep -v -i -E '$(COMPAT_FREED)' requirements.txt > $(COMPAT_VENV)/requirements.txt
	$(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(COMPAT_VENV)/requirements.txt $(COMPAT_STACK)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Every notebook on both stacks; run times are reported, the 60 s budget is `make test`'s.
test-compat: $(STAMP) $(COMPAT_VENV)/.installed
	RNN_BOOK_COMPAT_RUN=1 $(COMPAT_VENV)/bin/python -m pytest -n 2 --dist loadfile tests/test_compat.py $(NOTEBOOKS)
	RNN_BOOK_COMPAT_RUN=1 $(PY) -m pytest -n 2 --dist loadfile $(NOTEBOOKS)

exercises: $(STAMP)
	$(PY) -m tools.notebooks exercises

format: $(STAMP)
	$(PY) -m tools.notebooks format

chapter: $(STAMP)
	@test -n "$(NAME)" || { echo "usage: make chapter NAME=04_lstm TITLE='Long short-term memory' [PART='Gated cells']"; exit 2; }
	$(PY) -m tools.scaffold "$(NAME)" --title "$(TITLE)" $(if $(PART),--part "$(PART)")

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS='a.ipynb b.ipynb folder/'"; exit 2; }
	$(PY) -m helpers.grade $(SUBMISSIONS) --json grades --csv grades/grades.csv

autograder: $(STAMP)
	$(PY) -m tools.autograder

bench: $(STAMP)
	$(PY) -m tools.bench

lock:
	rm -rf /tmp/rnn-book-lock && $(PYTHON) -m venv /tmp/rnn-book-lock
	/tmp/rnn-book-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Generated by \`make lock\` from requirements.in: every package of .venv, pinned. Do not edit by hand."; \
	  /tmp/rnn-book-lock/bin/pip freeze --all | grep -v '^pip=='; } > requirements.txt

clean:
	rm -rf _build .pytest_cache reports/_bench $(COMPAT_VENV)
