"""The layering rule of docs/architecture.md, checked on every run: an import that breaks it fails here."""

from __future__ import annotations

import re
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("measures", "dashboard", cache_dir=None)


def test_the_layer_contracts_in_importlinter_are_kept(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True) == 0


def test_no_module_imports_one_that_imports_it_back(graph):
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported in graph.modules and graph.chain_exists(importer=imported, imported=module):
                cycles.append(" -> ".join(graph.find_shortest_chain(importer=imported, imported=module) or ()))
                cycles[-1] = f"{module} -> {cycles[-1]}"
    assert cycles == []


def test_nothing_imports_the_app_entry_point():
    pattern = re.compile(r"^\s*(from app import|import app\b|from app\b)", re.MULTILINE)
    sources = [
        path for top in ("measures", "dashboard", "tests", "bench", "scripts") for path in (ROOT / top).rglob("*.py")
    ]
    importing = [str(path.relative_to(ROOT)) for path in sources if pattern.search(path.read_text(encoding="utf-8"))]
    assert importing == []


def test_the_architecture_document_names_every_package():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(
        path.parent.relative_to(ROOT).as_posix()
        for top in ("measures", "dashboard")
        for path in (ROOT / top).rglob("__init__.py")
        if "migrations" not in path.parts
    )
    missing = [package for package in packages if f"`{package}/`" not in text]
    assert missing == [], "docs/architecture.md does not describe these packages"
