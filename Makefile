# 吴兴综合执法智能助手 — set up, train, run and test.
#   make run    set up both environments, migrate + seed the DB, train if needed, start everything
#   make test   the whole test suite (unit, API, integration with the real Rasa)
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
RASA_VENV := .venv-rasa
PY        := $(VENV)/bin/python
WXBOT     := $(VENV)/bin/wxbot
RASA      := $(RASA_VENV)/bin/rasa
PYTHON3   ?= python3

# Rasa 3.6 needs Python 3.10: a working python3.10 on PATH, else pyenv's versions folder.
# (The bare pyenv shim exists but fails without PYENV_VERSION, so each candidate is run.)
PY310 := $(shell for p in "$$PYTHON310" python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	[ -n "$$p" ] && "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)

APP_STAMP  := $(VENV)/.installed
RASA_STAMP := $(RASA_VENV)/.installed

.PHONY: help setup db train run test test-unit eval bench bench-train eval-conversations lint format audit nlu-export clean

help:
	@echo "make run    — 安装环境、初始化数据库、按需训练并启动全部服务"
	@echo "make test   — 运行全部测试"
	@echo "make train / make eval / make bench / make bench-train / make lint"

$(APP_STAMP): pyproject.toml
	@$(PYTHON3) -c 'import sys; assert sys.version_info >= (3, 10), "需要 Python >= 3.10"'
	@test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(RASA_STAMP): bot/requirements.txt
	@if [ -z "$(PY310)" ]; then \
	  echo "找不到 Python 3.10（Rasa 3.6 需要）。请安装后重试，例如："; \
	  echo "  pyenv install 3.10.13        （之后无需 pyenv local，Makefile 会在 ~/.pyenv/versions 找到它）"; \
	  echo "  或 sudo apt install python3.10 python3.10-venv"; \
	  echo "  或指定解释器：make PYTHON310=/path/to/python3.10 …"; \
	  exit 1; fi
	@test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip
	@echo "安装 Rasa 环境（首次约需数分钟）…"
	$(RASA_VENV)/bin/python -m pip install --quiet -r bot/requirements.txt
	@touch $@

setup: $(APP_STAMP) $(RASA_STAMP)

db: $(APP_STAMP)
	$(WXBOT) db upgrade
	$(WXBOT) kb load

train: setup
	$(WXBOT) bot train

nlu-export: db
	$(WXBOT) nlu export

run: setup db train
	$(WXBOT) serve

test: setup lint
	$(WXBOT) bot train
	$(PY) -m pytest

test-unit: $(APP_STAMP)
	$(PY) -m pytest -m "not integration"

eval: setup
	$(WXBOT) bot train
	$(PY) -m bench.eval_nlu
	$(PY) -m bench.eval_retrieval
	$(PY) -m bench.eval_answers --calibrate --stack

# Multi-turn conversations against the real stack (starts Rasa, actions and the API).
eval-conversations: setup
	$(WXBOT) bot train
	$(PY) -m bench.eval_conversations

bench: setup
	$(WXBOT) bot train
	$(PY) -m bench.load

# The training pipeline study (about three hours: it trains the old DIET pipeline too).
bench-train: setup
	$(PY) -m bench.train_study --finetune

lint: $(APP_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(APP_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Known vulnerabilities in both environments' pinned packages (needs PyPI's JSON API or OSV;
# --strict fails when a package could not be checked rather than passing it unchecked).
audit: $(APP_STAMP)
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off
	$(VENV)/bin/pip-audit --strict --progress-spinner off --disable-pip --no-deps -r bot/requirements.txt

clean:
	rm -rf $(VENV) $(RASA_VENV) bot/models bot/.rasa
