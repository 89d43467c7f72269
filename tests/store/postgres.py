"""A throw-away PostgreSQL server for tests: initdb + pg_ctl on a temporary directory, a free loopback port.

Debian's `postgresql` package (debian-packages.txt) puts the binaries under /usr/lib/postgresql/<v>/bin.
PostgreSQL refuses to run as root, so under root the server runs as the `postgres` system user. When the
binaries are missing the session fixture (tests/conftest.py) fails with that reason: `make test` installs them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def find_bin(name: str) -> str | None:
    """`name` from PATH or from Debian's versioned directory (newest version first)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # name built by the tests, never from input
        return self.url(name)


def missing_reason() -> str | None:
    for name in ("initdb", "pg_ctl"):
        if find_bin(name) is None:
            return (
                f"PostgreSQL binary {name!r} not found (install Debian's postgresql: scripts/system-deps.sh)"
            )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


def run_server() -> Iterator[PostgresServer]:
    """Start the server, yield it, stop it and remove its data directory."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    assert initdb and pg_ctl
    base = Path(tempfile.mkdtemp(prefix="oligoboard-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        for path in (base, sock):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    user = "postgres" if as_user else pwd.getpwuid(os.geteuid()).pw_name
    port = free_port()
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield PostgresServer(port, user)
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
