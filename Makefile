# MotCua — the two commands: `make run` (serve on http://127.0.0.1:8080) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test test-rasa lint install system-deps test-deps db clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

# Tesseract with Vietnamese data (photo checks and ID reading). Installed with apt when root.
system-deps:
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing tesseract-ocr tesseract-ocr-vie"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q tesseract-ocr tesseract-ocr-vie >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q tesseract-ocr tesseract-ocr-vie >/dev/null; }; \
	else echo "Tesseract with Vietnamese is missing. Install it with:"; \
	  echo "  sudo apt-get install -y tesseract-ocr tesseract-ocr-vie"; exit 1; fi

# Headless Chromium for the browser tests (Debian's package; never a downloaded browser), and the
# fonts the independent photo generator (ocr/synth/gen_b) draws cards with (DejaVu/Noto also print
# the console's PDFs).
FONT_PKGS := fonts-noto-core fonts-liberation2 fonts-roboto-unhinted fonts-open-sans fonts-dejavu-core
test-deps: system-deps
	@if dpkg -s $(FONT_PKGS) >/dev/null 2>&1 || [ "$$(id -u)" != 0 ]; then :; \
	else echo "installing $(FONT_PKGS)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(FONT_PKGS) >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(FONT_PKGS) >/dev/null; }; fi
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; \
	else echo "Chromium is missing (browser tests). Install it with:"; \
	  echo "  sudo apt-get install -y chromium"; exit 1; fi

db: $(STAMP)
	$(PY) -m bot db upgrade

run: $(STAMP) system-deps db
	$(PY) -m bot officer seed-demo
	$(PY) -m bot serve

# Lint and types first (seconds): ruff check, ruff format --check, mypy on the core.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: $(STAMP) test-deps lint
	$(PY) -m pytest -q $(PYTEST_ARGS)

# Real Rasa 3.6.21 in the loop: build (once) its venv, validate and train (once per version of
# nlu/'s data and config; cached under ~/.cache/motcua), then run the NLU_BACKEND=rasa tests
# against a live `rasa run --enable-api`. Cold: ~3 min install + the training; warm: ~2 min.
test-rasa: $(STAMP)
	@venv=$$(tools/rasa/venv.sh) && model=$$(tools/rasa/model.sh) && \
	  echo "rasa model: $$model (trained in $$(cat $$(dirname $$model)/train_seconds) s)" && \
	  MOTCUA_RASA_VENV=$$venv MOTCUA_RASA_MODEL=$$model $(PY) -m pytest -q -m rasa tests/nlu/test_rasa_live.py

clean:
	rm -rf $(VENV) var .pytest_cache
