"""lists_mark: a count of changes of the beneficiary lists and matches, kept by triggers

Revision ID: 0017_lists_mark
Revises: 0016_inbound_dead
Create Date: 2026-12-03 05:00:00

The lists' version (Daftar Bantuan, the findings column of a kecamatan grid) was global and built
from max ids: a row whose id was handed out before a larger one's but committed after it left the
version standing (PostgreSQL), and a refresh or a decision anywhere recomputed every pekon's lists.
Now each write to beneficiary_match bumps its pekon's row, in the writer's transaction, as 0015_mark
does for the ledger. A write to beneficiary_list (an import, a deletion: its rows come and go with
it) bumps the row "*" of all pekon instead: a list row's NIK standing in a current list of another
pekon anywhere is a finding there (ganda_pekon), so an import may move any pekon's findings.
A table of its own, not columns of ledger_mark: an import holds its rows until it commits (a
national list: a minute), and a birth in its pekon must not wait on it.
On PostgreSQL the triggers run once per statement (see _postgresql_up), on SQLite once per row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_lists_mark"
down_revision: str | None = "0016_inbound_dead"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALL = "*"  # the row of every pekon: no region has this code
TABLES = {"beneficiary_list": "all", "beneficiary_match": "pekon"}  # table -> the row it bumps
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
    counts as a row trigger's (an update counts its old and its new row); the rows taken in code
    order, so two writers of many pekon lock them in the same order."""
    sources = {"INSERT": "new_rows", "DELETE": "old_rows",
               "UPDATE": "(SELECT pekon_kode FROM old_rows UNION ALL SELECT pekon_kode FROM new_rows) AS r"}  # fmt: skip
    branches = "\n            ".join(
        f"{'IF' if n == 0 else 'ELSIF'} TG_OP = '{operation}' THEN {_bump(source)}"
        for n, (operation, source) in enumerate(sources.items())
    )
    op.execute(
        f"""
        CREATE FUNCTION lists_mark_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {branches}
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    for table, row in TABLES.items():
        for operation, tables in TRANSITIONS.items():
            op.execute(
                f"CREATE TRIGGER lists_mark_{table}_{operation.lower()} AFTER {operation} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION lists_mark_bump('{row}')"
            )


def _bump(source: str) -> str:
    kode = f"CASE WHEN TG_ARGV[0] = 'all' THEN '{ALL}' ELSE pekon_kode END"
    return (
        f"INSERT INTO lists_mark (pekon_kode, changes) SELECT {kode}, count(*) FROM {source} "
        f"WHERE pekon_kode IS NOT NULL GROUP BY 1 ORDER BY 1 "
        f"ON CONFLICT (pekon_kode) DO UPDATE SET changes = lists_mark.changes + EXCLUDED.changes;"
    )


def _sqlite_up() -> None:
    for table, row in TABLES.items():
        for operation in OPS:
            rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[operation]
            bumps = "".join(_sqlite_bump(f"'{ALL}'" if row == "all" else f"{r}.pekon_kode", r) for r in rows)
            op.execute(
                f"CREATE TRIGGER lists_mark_{table}_{operation.lower()} AFTER {operation} ON {table} "
                f"BEGIN {bumps} END"
            )


def _sqlite_bump(kode: str, row: str) -> str:
    return (
        f"INSERT INTO lists_mark (pekon_kode, changes) SELECT {kode}, 1 WHERE {row}.pekon_kode IS NOT NULL "
        f"ON CONFLICT (pekon_kode) DO UPDATE SET changes = changes + 1; "
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for operation in OPS:
            op.execute(f"DROP TRIGGER lists_mark_{table}_{operation.lower()}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION lists_mark_bump()")
    op.drop_table("lists_mark")
