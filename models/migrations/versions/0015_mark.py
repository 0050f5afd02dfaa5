"""mark: a count of changes per pekon, kept by triggers, for the dashboard's scope versions

Revision ID: 0015_mark
Revises: 0014_scope
Create Date: 2026-12-02 05:00:00

The scope version counted every row of a scope's ledger on every page (5-10 ms for a kabupaten, and
growing with its history). Now each write to the tables the dashboard's figures read bumps its pekon's
row in `ledger_mark`, in the writer's own transaction, so a version is a sum over the scope's pekon:
committed with the data it counts, whatever order the commits come in. Triggers, not application
code, so no write path (chat, CLI import, job, operator's SQL) can forget it. On PostgreSQL they run
once per statement, on SQLite once per row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_mark"
down_revision: str | None = "0014_scope"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (how a row names its pekon, whether it is an event)
TABLES = {
    "event": ("pekon_kode", True),
    "pekon_month": ("pekon_kode", False),
    "unit": ("pekon_kode", False),
    "unit_report": ("unit_id", False),
    "baseline": ("unit_id", False),
}
OPS = ("INSERT", "UPDATE", "DELETE")
TRANSITIONS = {  # PostgreSQL: a statement trigger with transition tables takes one operation
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def upgrade() -> None:
    op.create_table(
        "ledger_mark",
        sa.Column("pekon_kode", sa.String(13), primary_key=True),
        sa.Column("events", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("changes", sa.BigInteger(), nullable=False, server_default="0"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_up()
    else:
        _sqlite_up()
    op.drop_index("ix_pekon_month_scope", table_name="pekon_month")
    op.drop_index("ix_unit_report_scope", table_name="unit_report")


def _postgresql_up() -> None:
    """Once per statement, from its transition tables, as 0017_lists_mark: a bulk write (an import of
    units or baselines, a close writing every unit's snapshot, the bench's seeding) costs one upsert
    per pekon, not one per row (~85 us a row). The rows are taken in code order, so two writers of
    many pekon lock them in the same order."""
    for shape, pekon in (
        ("pekon", "r.pekon_kode"),
        ("unit", "(SELECT u.pekon_kode FROM unit u WHERE u.id = r.unit_id)"),
    ):
        sources = {
            "INSERT": f"SELECT {pekon} AS pekon_kode FROM new_rows r",
            "DELETE": f"SELECT {pekon} AS pekon_kode FROM old_rows r",
            "UPDATE": f"SELECT {pekon} AS pekon_kode FROM old_rows r UNION ALL SELECT {pekon} FROM new_rows r",
        }
        branches = "\n            ".join(
            f"{'IF' if n == 0 else 'ELSIF'} TG_OP = '{operation}' THEN {_bump(source)}"
            for n, (operation, source) in enumerate(sources.items())
        )
        op.execute(
            f"""
            CREATE FUNCTION ledger_mark_by_{shape}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {branches}
                END IF;
                RETURN NULL;
            END
            $$
            """
        )
    for table, (column, is_event) in TABLES.items():
        shape = "pekon" if column == "pekon_kode" else "unit"
        for operation, tables in TRANSITIONS.items():
            op.execute(
                f"CREATE TRIGGER ledger_mark_{table}_{operation.lower()} AFTER {operation} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION ledger_mark_by_{shape}('{str(is_event).lower()}')"
            )


def _bump(source: str) -> str:
    """Add each pekon's count of rows to its events (TG_ARGV[0] true) or its other changes."""
    return (
        "INSERT INTO ledger_mark (pekon_kode, events, changes) "
        "SELECT pekon_kode, CASE WHEN TG_ARGV[0]::boolean THEN count(*) ELSE 0 END, "
        "CASE WHEN TG_ARGV[0]::boolean THEN 0 ELSE count(*) END "
        f"FROM ({source}) AS rows WHERE pekon_kode IS NOT NULL GROUP BY 1 ORDER BY 1 "
        "ON CONFLICT (pekon_kode) DO UPDATE SET events = ledger_mark.events + EXCLUDED.events, "
        "changes = ledger_mark.changes + EXCLUDED.changes;"
    )


def _sqlite_up() -> None:
    for table, (column, is_event) in TABLES.items():
        events, changes = ("1", "0") if is_event else ("0", "1")
        for operation in OPS:
            rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[operation]
            bumps = "".join(_sqlite_bump(column, row, events, changes) for row in rows)
            op.execute(
                f"CREATE TRIGGER ledger_mark_{table}_{operation.lower()} AFTER {operation} ON {table} "
                f"BEGIN {bumps} END"
            )


def _sqlite_bump(column: str, row: str, events: str, changes: str) -> str:
    source = (
        f"SELECT {row}.pekon_kode, {events}, {changes} WHERE {row}.pekon_kode IS NOT NULL"
        if column == "pekon_kode"
        else f"SELECT pekon_kode, {events}, {changes} FROM unit WHERE id = {row}.unit_id"
    )
    return (
        f"INSERT INTO ledger_mark (pekon_kode, events, changes) {source} "
        f"ON CONFLICT (pekon_kode) DO UPDATE SET events = events + excluded.events, "
        f"changes = changes + excluded.changes; "
    )


def downgrade() -> None:
    op.create_index("ix_unit_report_scope", "unit_report", ["unit_id", "submitted_at"])
    op.create_index("ix_pekon_month_scope", "pekon_month", ["pekon_kode", "status", "revision"])
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for operation in OPS:
            op.execute(
                f"DROP TRIGGER ledger_mark_{table}_{operation.lower()}"
                + (f" ON {table}" if postgresql else "")
            )
    if postgresql:
        op.execute("DROP FUNCTION ledger_mark_by_pekon()")
        op.execute("DROP FUNCTION ledger_mark_by_unit()")
    op.drop_table("ledger_mark")
