"""Every setting the code reads is in the README's settings table, and the table names nothing the code does
not read (the Datasette habit: settings declared in one place, their documentation checked)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _read_by_code() -> set[str]:
    found: set[str] = set()
    for folder in ("measures", "dashboard", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            found.update(re.findall(r'"(MEASURES_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    return found


def _documented() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(MEASURES_[A-Z_]+)`", table, flags=re.MULTILINE))


def test_every_setting_the_code_reads_is_documented_and_no_other():
    assert _read_by_code() == _documented()
