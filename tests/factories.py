"""Small builders for test data: a real pekon of Lampung Barat with its units and members."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.period import Baseline
from models.person import Channel, Identity, Member, Role
from models.region import Kecamatan, Pekon, Unit

TRIMULYO = "18.04.15.2004"


async def seed_pekon(
    session: AsyncSession,
    kode: str = TRIMULYO,
    nama: str = "Trimulyo",
    units: int = 4,
    baseline_period: date = date(2026, 10, 1),
) -> list[Unit]:
    """A kecamatan, a pekon, `units` pemangku units each with a baseline; committed."""
    kec_kode = kode[:8]
    if await session.get(Kecamatan, kec_kode) is None:
        session.add(Kecamatan(kode=kec_kode, nama="Gedung Surian", kabupaten_nama="Kabupaten Lampung Barat"))
    session.add(Pekon(kode=kode, nama=nama, tingkat="desa", kecamatan_kode=kec_kode))
    made = []
    for seq in range(1, units + 1):
        unit = Unit(
            kode=f"{kode}-{seq:02d}",
            pekon_kode=kode,
            seq=seq,
            nama=f"Pemangku {seq}",
            nama_norm=f"pemangku {seq}",
        )
        session.add(unit)
        made.append(unit)
    await session.flush()
    for unit in made:
        session.add(
            Baseline(
                unit_id=unit.id,
                period=baseline_period,
                wna_l=0,
                wna_p=1,
                wni_l=120,
                wni_p=118,
                kk=70,
                anggota=169,
            )
        )
    await session.commit()
    return made


async def add_member(
    session: AsyncSession,
    name: str,
    role: Role,
    *,
    unit: Unit | None = None,
    pekon_kode: str | None = None,
    kecamatan_kode: str | None = None,
    channel: Channel = Channel.CONSOLE,
    address: str | None = None,
) -> Member:
    """A member with one identity; committed."""
    member = Member(
        name=name,
        role=role,
        unit_id=unit.id if unit else None,
        pekon_kode=pekon_kode,
        kecamatan_kode=kecamatan_kode,
    )
    session.add(member)
    await session.flush()
    session.add(
        Identity(member_id=member.id, channel=channel, address=address or name.lower().replace(" ", "-"))
    )
    await session.commit()
    return member
