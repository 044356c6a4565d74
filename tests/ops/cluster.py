"""A PostgreSQL server of the tests' own, to crash at will: initdb in a temporary folder, a free port, the binaries
of the Debian packages (/usr/lib/postgresql/*/bin). Run as the `postgres` system user when the tests run as root
(PostgreSQL refuses root)."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def binaries() -> Path | None:
    """The newest installed server's binaries, or None."""
    found = sorted(
        (path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="filiere-pg-"))
        self.data, self.sockets, self.log = self.base / "data", self.base / "run", self.base / "postgres.log"
        self.port = _free_port()
        self.owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        self.sockets.mkdir()
        if self.owner is not None:
            for path in (self.base, self.sockets):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        as_owner = {"user": self.owner.pw_uid, "group": self.owner.pw_gid} if self.owner is not None else {}
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
            **as_owner,
        )

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        # No fsync: the tests kill the server's processes, never the machine; recovery replays the WAL all the same.
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40 "
            "-c shared_buffers=32MB -c jit=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "120", "start")

    def crash(self) -> None:
        """Every server process killed at once (SIGQUIT): open transactions are lost, recovery runs at restart."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
        except subprocess.SubprocessError:
            pass

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
