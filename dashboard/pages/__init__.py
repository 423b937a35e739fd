"""One module per page; each calls dash.register_page and keeps its callbacks beside its layout."""
