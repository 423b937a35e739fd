"""Builds the Measures that Matter Dash app and exposes `server` (for gunicorn: `app:server`).

`python app.py` serves it on HOST:PORT (default 127.0.0.1:8050), with the page warmer beside it.
"""

import os

from dashboard import create_app, warming
from dashboard.server.security_headers import quiet_request_handler

app = create_app()
server = app.server

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    print(f"Measures that Matter: http://{host}:{port}/", flush=True)
    warming.start_beside_server()
    app.run(host=host, port=port, debug=False, request_handler=quiet_request_handler())
