"""The web server around the pages: the request gate and sign-in routes, access rules, security headers,
error pages, health check, the meeting-pack PDF printer and the shared database engine."""
