"""Shared fixtures: every test database is built here, in code, from the catalogue and demo data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from measures.cli.demo import load_demo
from measures.domain.catalogue import load_catalogue
from measures.storage import catalogue_records, db

OUTPUT_DIR = Path(__file__).resolve().parent.parent / "test-output"

# Apps served by tests render their pages when first read: a warmer beside each would render every page for every
# role after every write the tests make. The tests of the warmer turn it on where they need it.
os.environ.setdefault("MEASURES_PAGE_WARMING", "off")


@pytest.fixture(autouse=True)
def _parse_in_process(request, monkeypatch):
    """Imports in tests read the workbook in the test's own process: starting a limited reading process for each
    of hundreds of small files would make the suite slow. Tests marked `isolated` (and every test of the command
    line or of a served app) read in the separate process that production always uses."""
    if request.node.get_closest_marker("isolated") is None:
        from measures.returns import importer, isolation

        monkeypatch.setattr(importer, "parse_isolated", isolation.parse_in_process)


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


def _fresh_engine(path: Path, catalogue):
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade_schema(engine)
    catalogue_records.sync_catalogue(engine, catalogue)
    return engine


@pytest.fixture
def engine(tmp_path, catalogue):
    """An empty database with the schema and catalogue, for tests that write."""
    engine = _fresh_engine(tmp_path / "measures.db", catalogue)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, catalogue) -> Path:
    """A database file holding the demo data, built once; tests must copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = _fresh_engine(path, catalogue)
    load_demo(engine, catalogue)
    engine.dispose()
    return path


@pytest.fixture
def demo_engine(demo_database, tmp_path):
    """A private copy of the demo database, safe to write to."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_database, path)
    engine = db.make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """The URL of a PostgreSQL database for the tests: MEASURES_TEST_PG_URL, or a server started on loopback."""
    given = os.environ.get("MEASURES_TEST_PG_URL")
    if given:
        yield given
        return
    from tests.postgres import TemporaryPostgres

    server = TemporaryPostgres()
    try:
        yield server.start()
    finally:
        server.stop()


def _empty_postgres(url: str):
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request, tmp_path, catalogue):
    """An empty database with the schema and catalogue, on SQLite and on PostgreSQL in turn."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'measures.db'}")
    else:
        engine = _empty_postgres(request.getfixturevalue("postgres_url"))
    db.upgrade_schema(engine)
    catalogue_records.sync_catalogue(engine, catalogue)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave screenshots and other artefacts for people to look at."""
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def database_env(monkeypatch):
    """Point MEASURES_DB_URL at a given sqlite file for code that reads the environment."""

    def point_at(path: Path) -> str:
        url = f"sqlite:///{path}"
        monkeypatch.setenv("MEASURES_DB_URL", url)
        return url

    return point_at
