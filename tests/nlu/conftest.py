"""Fixtures of the NLU tests: one embedded NLU trained once per session into a temporary
var directory (later constructions reuse the artefact or the in-process cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import load_settings
from nlu import NLU
from nlu.embedded import EmbeddedNLU


@pytest.fixture(scope="session")
def nlu_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("nlu-var")


@pytest.fixture(scope="session")
def embedded(nlu_var: Path) -> EmbeddedNLU:
    return EmbeddedNLU.load(var_path=nlu_var, agency_code="DEMO")


@pytest.fixture
def nlu_settings(nlu_var: Path):
    return load_settings(environ={}, var_dir=str(nlu_var), nlu_backend="embedded")


@pytest.fixture
def nlu(nlu_settings, embedded) -> NLU:
    return NLU.from_settings(nlu_settings)
