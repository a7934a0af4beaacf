"""Shared fixtures: the bundled seed disclosure and its parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.parse import parse_source
from juesuan.paths import SAMPLES_DIR
from juesuan.readers import read_document
from juesuan.records import ParsedDocument

SEED = SAMPLES_DIR / "zhengzhou-hitech-government-service-center-2023-final-accounts.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed() -> ParsedDocument:
    return parse_source(read_document(SEED))
