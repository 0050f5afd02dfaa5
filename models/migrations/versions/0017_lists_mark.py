"""lists_mark: a count of changes of the beneficiary lists per pekon, kept by triggers

Revision ID: 0017_lists_mark
Revises: 0016_inbound_dead
Create Date: 2026-12-03 05:00:00

The lists' version (Daftar Bantuan, the findings column of a kecamatan grid) was global and built
from max ids: one import anywhere recomputed every pekon's lists, and a row whose id was handed out
before a larger one's but committed after it left the version standing (PostgreSQL). Now each write
to beneficiary_list and beneficiary_match bumps its pekon's row, in the writer's transaction, as
0015_mark does for the ledger. A table of its own, not a column of ledger_mark: an import holds its
pekon's row until it commits (a national list: a minute), and a birth in that pekon must not wait on it.
On PostgreSQL the triggers run once per statement (see _postgresql_up), on SQLite once per row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_lists_mark"
down_revision: str | None = "0016_inbound_dead"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("beneficiary_list", "beneficiary_match")  # each names its pekon: pekon_kode
OPS = ("INSERT", "UPDATE", "DELETE")
TRANSITIONS = {  # PostgreSQL: a statement trigger with transition tables takes one operation
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def upgrade() -> None:
    op.create_table(
        "lists_mark",
        sa.Column("pekon_kode", sa.String(13), primary_key=True),
        sa.Column("changes", sa.BigInteger(), nullable=False, server_default="0"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_up()
    else:
        _sqlite_up()


def _postgresql_up() -> None:
    """Once per statement, from its transition tables: a refresh writes thousands of matches at once,
    and a row trigger's upsert costs ~85 us a row (1.8 s for 20,000) where this costs 0.1 s. The same
    counts as a row trigger's (an update counts its old and its new row); the pekon taken in code
    order, so two writers of many pekon lock their rows in the same order."""
    sources = {"INSERT": "new_rows", "DELETE": "old_rows",
               "UPDATE": "(SELECT pekon_kode FROM old_rows UNION ALL SELECT pekon_kode FROM new_rows) AS r"}  # fmt: skip
    branches = "\n            ".join(
        f"{'IF' if n == 0 else 'ELSIF'} TG_OP = '{operation}' THEN {_bump(source)}"
        for n, (operation, source) in enumerate(sources.items())
    )
    op.execute(
        f"""
        CREATE FUNCTION lists_mark_by_pekon() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {branches}
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    for table in TABLES:
        for operation, tables in TRANSITIONS.items():
            op.execute(
                f"CREATE TRIGGER lists_mark_{table}_{operation.lower()} AFTER {operation} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION lists_mark_by_pekon()"
            )


def _bump(source: str) -> str:
    return (
        f"INSERT INTO lists_mark (pekon_kode, changes) SELECT pekon_kode, count(*) FROM {source} "
        f"WHERE pekon_kode IS NOT NULL GROUP BY pekon_kode ORDER BY pekon_kode "
        f"ON CONFLICT (pekon_kode) DO UPDATE SET changes = lists_mark.changes + EXCLUDED.changes;"
    )


def _sqlite_up() -> None:
    for table in TABLES:
        for operation in OPS:
            rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[operation]
            bumps = "".join(_sqlite_bump(row) for row in rows)
            op.execute(
                f"CREATE TRIGGER lists_mark_{table}_{operation.lower()} AFTER {operation} ON {table} "
                f"BEGIN {bumps} END"
            )


def _sqlite_bump(row: str) -> str:
    return (
        f"INSERT INTO lists_mark (pekon_kode, changes) "
        f"SELECT {row}.pekon_kode, 1 WHERE {row}.pekon_kode IS NOT NULL "
        f"ON CONFLICT (pekon_kode) DO UPDATE SET changes = changes + 1; "
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for operation in OPS:
            op.execute(f"DROP TRIGGER lists_mark_{table}_{operation.lower()}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION lists_mark_by_pekon()")
    op.drop_table("lists_mark")
