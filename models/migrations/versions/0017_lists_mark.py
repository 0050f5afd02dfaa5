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
    op.execute(
        """
        CREATE FUNCTION lists_mark_bump(kode text) RETURNS void LANGUAGE sql AS $$
            INSERT INTO lists_mark (pekon_kode, changes) SELECT kode, 1 WHERE kode IS NOT NULL
            ON CONFLICT (pekon_kode) DO UPDATE SET changes = lists_mark.changes + 1
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION lists_mark_by_pekon() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN PERFORM lists_mark_bump(OLD.pekon_kode); END IF;
            IF TG_OP <> 'DELETE' THEN PERFORM lists_mark_bump(NEW.pekon_kode); END IF;
            RETURN NULL;
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER lists_mark_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION lists_mark_by_pekon()"
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
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER lists_mark_{table} ON {table}")
        op.execute("DROP FUNCTION lists_mark_by_pekon()")
        op.execute("DROP FUNCTION lists_mark_bump(text)")
    else:
        for table in TABLES:
            for operation in OPS:
                op.execute(f"DROP TRIGGER lists_mark_{table}_{operation.lower()}")
    op.drop_table("lists_mark")
