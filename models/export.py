"""Everything stored about one pekon, table by table, for an administrator's export (UU 27/2022)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, Table, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import AuditEntry, record_audit
from models.event import Event, EventPerson
from models.period import Baseline, PekonMonth, UnitReport, UnitSnapshot
from models.person import Identity, Invite, Member
from models.region import Pekon, Unit


@dataclass(frozen=True)
class TableDump:
    """One table's rows for the pekon, with its column names."""

    name: str
    columns: list[str]
    rows: list[Sequence[Any]]


async def _dump(session: AsyncSession, name: str, table: Any, where: ColumnElement[bool]) -> TableDump:
    sql_table: Table = table.__table__
    result = await session.execute(select(sql_table).where(where).order_by(*sql_table.primary_key.columns))
    return TableDump(name, list(result.keys()), [tuple(r) for r in result.all()])


def _audit_filter(kode: str, units: Any, members: Any) -> ColumnElement[bool]:
    """Audit entries about the pekon's rows or made by its members (month closes are matched apart)."""
    by_entity = {
        "event": select(cast(Event.id, String)).where(Event.pekon_kode == kode),
        "unit_report": select(cast(UnitReport.id, String)).where(UnitReport.unit_id.in_(units)),
        "pekon_month": select(cast(PekonMonth.id, String)).where(PekonMonth.pekon_kode == kode),
        "unit": select(Unit.kode).where(Unit.pekon_kode == kode),
        "invite": select(cast(Invite.id, String)).where(
            or_(Invite.pekon_kode == kode, Invite.unit_id.in_(units))
        ),
        "member": select(cast(Member.id, String)).where(Member.id.in_(members)),
    }
    return or_(
        AuditEntry.actor_member_id.in_(members),
        (AuditEntry.entity == "pekon") & (AuditEntry.entity_id == kode),
        *((AuditEntry.entity == entity) & AuditEntry.entity_id.in_(ids) for entity, ids in by_entity.items()),
    )


async def _audit(session: AsyncSession, kode: str, units: Any, members: Any) -> TableDump:
    dump = await _dump(session, "audit", AuditEntry, _audit_filter(kode, units, members))
    closes = await session.scalars(select(AuditEntry).where(AuditEntry.entity == "period"))
    about_pekon = {e.id for e in closes if e.after and {kode, "*"} & set(e.after.get("pekon", []))}
    extra = await _dump(session, "audit", AuditEntry, AuditEntry.id.in_(about_pekon))
    rows = sorted({r[0]: r for r in [*dump.rows, *extra.rows]}.values(), key=lambda r: r[0])
    return TableDump("audit", dump.columns, rows)


async def export_pekon(
    session: AsyncSession, pekon_kode: str, *, target: str, actor_id: int | None = None, channel: str = "cli"
) -> list[TableDump] | None:
    """All data of a pekon (None when unknown); the export itself is audited first, so it is included."""
    pekon = await session.get(Pekon, pekon_kode)
    if pekon is None:
        return None
    record_audit(
        session,
        actor_member_id=actor_id,
        channel=channel,
        action="export",
        entity="pekon",
        entity_id=pekon_kode,
        after={"target": target},
    )
    await session.flush()
    units = select(Unit.id).where(Unit.pekon_kode == pekon_kode)
    members = select(Member.id).where(or_(Member.pekon_kode == pekon_kode, Member.unit_id.in_(units)))
    return [
        await _dump(session, "pekon", Pekon, Pekon.kode == pekon_kode),
        await _dump(session, "units", Unit, Unit.pekon_kode == pekon_kode),
        await _dump(session, "baselines", Baseline, Baseline.unit_id.in_(units)),
        await _dump(session, "members", Member, Member.id.in_(members)),
        await _dump(session, "identities", Identity, Identity.member_id.in_(members)),
        await _dump(
            session, "invites", Invite, or_(Invite.pekon_kode == pekon_kode, Invite.unit_id.in_(units))
        ),
        await _dump(session, "events", Event, Event.pekon_kode == pekon_kode),
        await _dump(session, "event_persons", EventPerson, EventPerson.pekon_kode == pekon_kode),
        await _dump(session, "unit_reports", UnitReport, UnitReport.unit_id.in_(units)),
        await _dump(session, "months", PekonMonth, PekonMonth.pekon_kode == pekon_kode),
        await _dump(session, "snapshots", UnitSnapshot, UnitSnapshot.pekon_kode == pekon_kode),
        await _audit(session, pekon_kode, units, members),
    ]
