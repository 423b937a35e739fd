"""Fixtures of the import tests: expensive raw files built once per session, and extra empty databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from measures.storage import catalogue_records, db
from tests.returns import builders


@pytest.fixture(scope="session")
def zip_bomb_file(tmp_path_factory) -> Path:
    """The ~400 MB-inflating zip bomb, built once per session (a few seconds) and shared read-only."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    builders.zip_bomb(path)
    assert path.stat().st_size < 2 * builders.MB
    return path


@pytest.fixture(scope="session")
def oversized_file(tmp_path_factory) -> Path:
    """A valid workbook over 10 MB, built once per session and shared read-only."""
    path = tmp_path_factory.mktemp("oversized") / "oversized.xlsx"
    builders.oversized_xlsx(path)
    assert path.stat().st_size > 10 * builders.MB
    return path


@pytest.fixture
def new_engine(tmp_path, catalogue):
    """A factory of further empty databases (schema and catalogue), for tests that compare two imports."""
    engines = []

    def make(name: str):
        engine = db.make_engine(f"sqlite:///{tmp_path / name}")
        db.upgrade_schema(engine)
        catalogue_records.sync_catalogue(engine, catalogue)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()
