"""The database's own yardstick, measured in the same run as a bench: pgbench's TPC-B-like tps.

A bench's throughput on this shared 2-core machine moves with whatever else runs; its ratio to
pgbench's tps, measured minutes apart on the same PostgreSQL, moves much less. pgbench runs on
its own database (`<bench database>_pgbench`, scale 10, created once) so it never touches the
bench's tables.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from sqlalchemy.engine import make_url

SCALE = 10
CLIENTS = 8
THREADS = 2


def tpcb_tps(url: str, seconds: int = 10) -> float | None:
    """pgbench's TPC-B-like tps against the PostgreSQL of `url`; None on SQLite or without pgbench."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or shutil.which("pgbench") is None:
        return None
    database = f"{parsed.database}_pgbench"
    connection = [
        "-h",
        parsed.host or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
    ]
    env = {"PGPASSWORD": parsed.password or ""}
    created = subprocess.run(["createdb", *connection, database], capture_output=True, env=env, check=False)
    if created.returncode == 0:  # a new database: fill it once
        subprocess.run(
            ["pgbench", *connection, "-i", "-q", "-s", str(SCALE), database],
            capture_output=True,
            env=env,
            check=True,
        )
    done = subprocess.run(
        ["pgbench", *connection, "-c", str(CLIENTS), "-j", str(THREADS), "-T", str(seconds), database],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    found = re.search(r"tps = ([0-9.]+)", done.stdout)
    return float(found.group(1)) if found else None


def ratio_line(what: str, rate: float, tps: float | None) -> str:
    """One line: the figure and its ratio to pgbench's tps."""
    if tps is None:
        return f"{what}: {rate:.0f}/s (no pgbench figure: SQLite, or pgbench not installed)"
    return f"{what}: {rate:.0f}/s; pgbench TPC-B-like {tps:.0f} tps; ratio {rate / tps:.3f}"
