"""gunicorn's settings for `make serve`, read from the project folder: responses do not name the server, and the
master starts the page warmer (`dashboard/warming.py`) beside its workers.

gunicorn writes `Server: gunicorn` on every response and has no setting to leave it out, so the one place that
writes it is wrapped here, in the master process before the workers are forked.
"""

import gunicorn.http.wsgi


def _without_server_header(default_headers):
    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    return headers


gunicorn.http.wsgi.Response.default_headers = _without_server_header(gunicorn.http.wsgi.Response.default_headers)


def when_ready(server):
    from dashboard import warming

    server.page_warmer = warming.start_beside_server()


def on_exit(server):
    warmer = getattr(server, "page_warmer", None)
    if warmer is not None:
        warmer.terminate()
