"""The web server around the pages, one job a module:

- `auth`: `install` wires sign-in and the request gate onto the server; pages ask who is reading through it;
- `readers`: who is asking in this request and what they may do (`may`, `requires`, `current_name`);
- `sessions`: the signed-cookie sessions and their settings; `devices`: the known-device cookie;
- `gate`: who may see what, checked on every request; `page_router`: what Dash's page router will render;
- `csrf`: a token on every POST; `sign_in`: the account pages (a Blueprint); `print_sessions`: the pack printer;
- `access`: the access rules in pages' words; `callback_requests`: the shape of a callback request;
- `security_headers`, `errors` (error pages and messages), `health` (`/healthz`), `pdf` (the meeting-pack PDF)
  and `data` (the shared database engine).
"""
