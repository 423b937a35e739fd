"""A throwaway PostgreSQL server for the tests, started on loopback from Debian's binaries.

If MEASURES_TEST_PG_URL is set (an SQLAlchemy URL of an empty database the tests may fill), that server is
used instead and nothing is started.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TemporaryPostgres:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only, removed by `stop()`."""

    def __init__(self) -> None:
        self.initdb, self.pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if not self.initdb or not self.pg_ctl:
            raise RuntimeError(
                "PostgreSQL's initdb/pg_ctl are not installed: `make test` installs Debian's "
                "postgresql package (scripts/install-test-deps.sh)."
            )
        self.folder = Path(tempfile.mkdtemp(prefix="measures-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        # PostgreSQL refuses to run as root: run it as the postgres user the Debian package creates.
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        """Create and start the cluster; return the SQLAlchemy URL of its 'postgres' database."""
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "--locale=C", "--encoding=UTF8")
        self.resume()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def halt(self) -> None:
        """Stop the server as a crash or an administrator would, keeping its data (`resume` starts it again)."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        """Start the server (again) on the same port and data."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c full_page_writes=off"
        self._run(
            self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start"
        )

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
