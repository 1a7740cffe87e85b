"""A throwaway PostgreSQL 15 cluster run from the machine's own binaries.

Postgres refuses to run as root, so when we are root the server runs as an unprivileged
user (the `postgres` account Debian's package creates, else `nobody`) and owns the data
directory. The bootstrap superuser is `supabase_admin`, as on Supabase; migrations run as
the non-superuser `postgres` role.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "postgres"  # local only: the cluster listens on 127.0.0.1
SUPERUSER = "supabase_admin"
SETTINGS_FILE = "marketbase.conf"


class ClusterError(RuntimeError):
    pass


def postgres_bindir() -> Path:
    """The PostgreSQL 15 server binaries: $PG_BINDIR, else Debian's location."""
    candidates = [os.environ.get("PG_BINDIR"), "/usr/lib/postgresql/15/bin"]
    for candidate in filter(None, candidates):
        if (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    raise ClusterError(
        "PostgreSQL 15 server binaries not found. On Debian: "
        "apt-get install postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl "
        "(or run scripts/setup), or set PG_BINDIR."
    )


def _server_account() -> pwd.struct_passwd | None:
    """The unprivileged account the server runs as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ClusterError("running as root and no unprivileged 'postgres' or 'nobody' account exists")


def _reachable_by(account: pwd.struct_passwd, path: Path) -> bool:
    """Whether every directory above `path` can be traversed by `account`."""
    for parent in path.resolve().parents:
        if not parent.exists():
            continue
        st = parent.stat()
        if st.st_uid == account.pw_uid:
            continue
        if not st.st_mode & 0o001:
            return False
    return True


@dataclass
class Cluster:
    base_dir: Path
    port: int

    def __post_init__(self) -> None:
        self.bindir = postgres_bindir()
        self.account = _server_account()
        if self.account and not _reachable_by(self.account, self.base_dir):
            # e.g. a checkout under /root: keep the cluster where the server can reach it.
            digest = hashlib.sha1(str(self.base_dir.resolve()).encode()).hexdigest()[:12]
            self.base_dir = Path("/var/tmp/marketbase") / digest
        self.data_dir = self.base_dir / "data"
        self.log_file = self.base_dir / "server.log"

    # -- running commands as the server's account ---------------------------------------

    def _run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        kwargs: dict = {}
        if self.account:
            kwargs = {"user": self.account.pw_uid, "group": self.account.pw_gid}
        return subprocess.run(
            [str(a) for a in args],
            capture_output=True,
            text=True,
            check=check,
            cwd="/",
            **kwargs,
        )

    def _prepare_dir(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if self.account:
            shutil.chown(self.base_dir, self.account.pw_uid, self.account.pw_gid)

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def init(self) -> None:
        self._prepare_dir()
        pwfile = self.base_dir / "pwfile"
        pwfile.write_text(PASSWORD + "\n")
        if self.account:
            shutil.chown(pwfile, self.account.pw_uid, self.account.pw_gid)
        try:
            result = self._run(
                self.bindir / "initdb",
                "-D",
                self.data_dir,
                "-U",
                SUPERUSER,
                "--pwfile",
                pwfile,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                check=False,
            )
        finally:
            pwfile.unlink()
        if result.returncode != 0:
            raise ClusterError(f"initdb failed:\n{result.stdout}{result.stderr}")

    def settings(self) -> dict[str, str]:
        """The server settings of the local stack, applied at every start: a port changed
        after the cluster was created (MARKETBASE_DB_PORT) is followed, not fought."""
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": "''",
            "max_connections": "200",
            # A throwaway cluster: durability buys nothing here, speed does.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "timezone": "'UTC'",
        }
        if (self.bindir.parent / "lib" / "pg_cron.so").is_file():
            settings["shared_preload_libraries"] = "'pg_cron'"
            settings["cron.database_name"] = "'postgres'"
            # Jobs run in background workers, not over a TCP login that pg_hba would ask a
            # password of ("connection failed" in the server log every minute otherwise).
            settings["cron.use_background_workers"] = "on"
            settings["max_worker_processes"] = "32"
        return settings

    def _write_settings(self) -> None:
        conf = self.data_dir / "postgresql.conf"
        if SETTINGS_FILE not in conf.read_text():  # a new cluster, or one made before this file existed
            with open(conf, "a") as f:
                f.write(f"\n# marketbase: rewritten at each start\ninclude_if_exists = '{SETTINGS_FILE}'\n")
        target = self.data_dir / SETTINGS_FILE
        target.write_text("".join(f"{key} = {value}\n" for key, value in self.settings().items()))
        if self.account:
            shutil.chown(target, self.account.pw_uid, self.account.pw_gid)

    def running(self) -> bool:
        if not self.initialized:
            return False
        return self._run(self.bindir / "pg_ctl", "-D", self.data_dir, "status", check=False).returncode == 0

    def start(self) -> None:
        if not self.initialized:
            self.init()
        if self.running():
            self._check_port()
            return
        self._write_settings()
        result = self._run(
            self.bindir / "pg_ctl",
            "-D",
            self.data_dir,
            "-l",
            self.log_file,
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode != 0:
            log = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise ClusterError(f"postgres did not start on port {self.port}:\n{result.stdout}{log}")

    def _check_port(self) -> None:
        """A cluster already running keeps its port until it restarts: say so plainly."""
        pid_file = self.data_dir / "postmaster.pid"
        lines = pid_file.read_text().splitlines() if pid_file.exists() else []
        if len(lines) > 3 and lines[3].strip().isdigit() and int(lines[3]) != self.port:
            raise ClusterError(
                f"the local cluster is running on port {lines[3].strip()}, not {self.port} "
                "(MARKETBASE_DB_PORT changed): run `marketbase db stop`, then start it again on the new port"
            )

    @property
    def runs_cron(self) -> bool:
        return "shared_preload_libraries" in self.settings()

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.running():
            self._run(self.bindir / "pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    # -- connection URLs ------------------------------------------------------------------

    def url(self, user: str = "postgres", database: str = "postgres") -> str:
        return f"postgresql://{user}:{PASSWORD}@127.0.0.1:{self.port}/{database}"


def wait_for(url: str, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
