"""How a user's name is looked up."""


def name_key(name: str) -> str:
    """Return the form under which a name is looked up: trimmed and case-folded. Raises nothing."""
    return " ".join(name.split()).casefold()
