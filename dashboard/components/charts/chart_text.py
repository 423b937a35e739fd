"""Text from the data inside plotly charts: shown as written, never as markup.

plotly reads a small HTML subset in every piece of text it draws (trace names, legend entries, axis titles,
tick labels, bar labels, annotations and hover text): `<a href>` becomes a live link, `<b>` and `<br>` change
the text. A team, measure title, target wording or comparator comes from a return or an admin's typing, so
every chart builder passes each such string through `plain_text` before handing it to plotly.
"""

from __future__ import annotations

import textwrap


def plain_text(text: object) -> str:
    """Return `text` as a string plotly draws literally: &, < and > become the entities plotly turns back into
    those characters, so no tag in it is read as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrapped(text: str, width: int) -> str:
    """Return `text` (already safe for plotly: see `plain_text`) broken at its spaces into lines of at most `width`
    characters where it can be (a longer word keeps its own line), joined by plotly's line break. plotly never
    wraps a label, a key entry or an axis title itself: on a phone a long one is cut off or squeezes the plot."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text
