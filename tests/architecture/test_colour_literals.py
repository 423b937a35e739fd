"""Every colour the Python code draws with lives in dashboard/components/palette.py, named by what it means: a
colour written anywhere else (a hex code, rgb(), rgba(), hsl() or hsla()) fails here, naming its file and line.

Comments and docstrings may mention colours (they draw nothing); every other string is checked, f-strings too.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("dashboard", "measures")
PALETTE = ROOT / "dashboard" / "components" / "palette.py"

# A hex colour: '#' then 3, 4, 6 or 8 hex digits, not inside a longer word or an HTML character reference.
HEX_COLOUR = re.compile(r"(?<![\w&])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})(?![\w-])")
COLOUR_FUNCTION = re.compile(r"\b(?:rgba?|hsla?)\s*\([^()]*\)?", re.IGNORECASE)


def _docstring_lines(tree: ast.AST) -> set[int]:
    """The lines of every string that stands alone as a statement (docstrings, and strings used as comments)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def colour_literals(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of each colour literal in the strings of Python `source`, docstrings left out."""
    skipped = _docstring_lines(ast.parse(source))
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING or token.start[0] in skipped:
            continue
        for pattern in (HEX_COLOUR, COLOUR_FUNCTION):
            for match in pattern.finditer(token.string):
                line = token.start[0] + token.string.count("\n", 0, match.start())
                found.append((line, match.group(0)))
    return sorted(found)


def _python_files(root: Path) -> list[Path]:
    palette = root / PALETTE.relative_to(ROOT)
    return sorted(path for folder in SCANNED for path in (root / folder).rglob("*.py") if path != palette)


def colour_problems(root: Path) -> list[str]:
    """Return one line per colour literal under `root`'s packages outside the palette: file, line and colour."""
    return [
        f"{path.relative_to(root)}:{line}: colour {text!r} written outside the palette; name it in "
        "dashboard/components/palette.py and use the name"
        for path in _python_files(root)
        for line, text in colour_literals(path.read_text(encoding="utf-8"))
    ]


def test_no_colour_literal_outside_the_palette():
    problems = colour_problems(ROOT)
    assert not problems, "\n".join(problems)


def test_the_scan_covers_both_packages():
    files = _python_files(ROOT)
    assert {path.relative_to(ROOT).parts[0] for path in files} == {"dashboard", "measures"}
    assert ROOT / "dashboard" / "components" / "charts" / "spc_chart.py" in files
    assert PALETTE not in files


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('COLOUR = "#ffffff"\n', [(1, "#ffffff")]),
        ('COLOUR = "#FFF"\n', [(1, "#FFF")]),
        ('COLOUR = "#0b0c0c80"\n', [(1, "#0b0c0c80")]),
        ('fill = "rgba(0, 112, 60, 0.13)"\n', [(1, "rgba(0, 112, 60, 0.13)")]),
        ("fill = 'RGB(1,2,3)'\n", [(1, "RGB(1,2,3)")]),
        ('fill = "hsl(120, 50%, 50%)"\n', [(1, "hsl(120, 50%, 50%)")]),
        ('svg = f\'<circle fill="#ffffff" r="{r}"/>\'\n', [(1, "#ffffff")]),
        ('x = 1\ntext = """first line\nfill: #123456;"""\n', [(3, "#123456")]),
        ('layout = {"font": {"color": "#0b0c0c"},\n "bg": "#e5e5e5"}\n', [(1, "#0b0c0c"), (2, "#e5e5e5")]),
    ],
)
def test_a_colour_in_a_string_is_found_on_its_own_line(source, expected):
    assert colour_literals(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        '"""Module docstring: the old fill was #d9ead3, see NHSRplotthedots issue #194."""\nX = 1\n',
        "X = 1  # was #ffffff\n",
        'def f():\n    """Draws rgba(0, 0, 0, 0.5) in the old way."""\n    return 1\n',
        'href = "#card-3-1"\n',
        'anchor = "#" + name\n',
        'entity = "&#160;"\n',
        'word = "#deadline"\n',
        'call = "rgbx(1)"\n',
    ],
)
def test_comments_docstrings_anchors_and_entities_are_not_colours(source):
    assert colour_literals(source) == []


def test_the_failure_names_the_file_and_line_and_spares_the_palette(tmp_path):
    for folder in ("dashboard/components", "measures"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "dashboard" / "chart.py").write_text('X = 1\nBG = "#ffffff"\n', encoding="utf-8")
    (tmp_path / "dashboard" / "components" / "palette.py").write_text('INK = "#0b0c0c"\n', encoding="utf-8")
    assert colour_problems(tmp_path) == [
        "dashboard/chart.py:2: colour '#ffffff' written outside the palette; name it in "
        "dashboard/components/palette.py and use the name"
    ]
