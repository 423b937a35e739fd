"""Query parameters as the pages read them: one text value each.

Dash hands a page's `layout` a list when an address repeats a parameter (`?sort=rank&sort=name`); every page
reads its parameters as single values, so a repeated one would reach code that expects text. The first value is
the one used, as a browser form with one field would send it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

Params = ParamSpec("Params")
Result = TypeVar("Result")


def single_query_values(layout: Callable[Params, Result]) -> Callable[Params, Result]:
    """Return `layout` taking each repeated query parameter's first value instead of the list Dash passes.
    Raises whatever `layout` raises."""

    @functools.wraps(layout)
    def with_single_values(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        for name, value in list(kwargs.items()):
            if isinstance(value, list):
                kwargs[name] = value[0] if value else None
        return layout(*args, **kwargs)

    return with_single_values
