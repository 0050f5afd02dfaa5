"""Pekon staff check the probable matches of their beneficiary lists in chat: "cek" lists them,
"cek 3" shows one with Ya/Bukan buttons (carrying the question's identity); the decision is stored
and audited and never asked again. The lists inform; no B.3 figure moves."""

from __future__ import annotations

import re

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.menu import choices, menu, pick
from handlers.show import show_date
from handlers.staff import no_scope, pekon_of
from handlers.texts import beneficiary_words, error_words
from models.audit import record_audit
from models.beneficiary import BeneficiaryMatch
from models.beneficiary_findings import PendingMatch, pending_matches
from models.beneficiary_match import decide, refresh_matches
from models.names import mask_nik

CEK_FLOW = "cek"
CEK_LINE = re.compile(r"^\s*/?cek(?:\s+(\d{1,4}))?\s*$", re.IGNORECASE)
MAX_LISTED = 30


def cek_request(text: str) -> int | None:
    """0 for "cek", n for "cek n", None for anything else."""
    found = CEK_LINE.match(text)
    if found is None:
        return None
    return int(found.group(1)) if found.group(1) else 0


async def _pending(turn: Turn, pekon_kode: str) -> list[PendingMatch]:
    await refresh_matches(turn.session, pekon_kode)
    return await pending_matches(turn.session, pekon_kode)


async def cek(turn: Turn, number: int) -> list[OutgoingMessage]:
    """The pending list, or one match with its choices; each view is audited."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    pending = await _pending(turn, pekon.kode)
    record_audit(
        turn.session, actor_member_id=member.id, channel=turn.message.channel, action="list.view",
        entity="pekon", entity_id=pekon.kode,
        after={"list": "cek_daftar_bantuan", "item": number, "rows": len(pending)},
    )  # fmt: skip
    if not pending:
        return [menu(member, beneficiary_words.CEK_NONE)]
    if number == 0:
        lines = [beneficiary_words.CEK_TITLE.format(count=len(pending))]
        lines += [_line(n, p) for n, p in enumerate(pending[:MAX_LISTED], 1)]
        return [OutgoingMessage("\n".join([*lines, beneficiary_words.CEK_HINT]))]
    if number > len(pending):
        return [OutgoingMessage(beneficiary_words.CEK_UNKNOWN.format(no=number))]
    match = pending[number - 1]
    turn.state.go(
        CEK_FLOW,
        "decide",
        match=match.match_id,
        text=_detail(number, match),
        name=match.name,
        program=match.program,
    )
    return prompt(turn)


def _line(no: int, p: PendingMatch) -> str:
    return beneficiary_words.CEK_LINE.format(
        no=no, program=p.program, name=p.name, line_name=p.line_name,
        kind=beneficiary_words.USULAN_MONTH_KIND[p.kind], tanggal=show_date(p.event_date), receipt=p.receipt,
    )  # fmt: skip


def _detail(no: int, p: PendingMatch) -> str:
    return beneficiary_words.CEK_DETAIL.format(
        no=no, program=p.program, name=p.name, nik=mask_nik(p.nik), dusun=p.dusun or "-",
        born=show_date(p.birth_date) if p.birth_date else "-", line_name=p.line_name,
        line_nik=mask_nik(p.line_nik),
        line_born=show_date(p.line_birth_date) if p.line_birth_date else "-", sex=p.line_sex,
        kind=beneficiary_words.USULAN_MONTH_KIND[p.kind], tanggal=show_date(p.event_date), unit=p.unit,
        receipt=p.receipt, score=p.score,
    )  # fmt: skip


def prompt(turn: Turn) -> list[OutgoingMessage]:
    """The match and its choices again."""
    return [OutgoingMessage(turn.state.data["text"], choices(beneficiary_words.CEK_CHOICES))]


async def turn_in_cek(turn: Turn) -> list[OutgoingMessage]:
    """Ya: the same person (counts as a finding); Bukan: another person; Kembali: the list."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    chosen = pick(turn, choices(beneficiary_words.CEK_CHOICES))
    if chosen is None:
        return [OutgoingMessage(error_words.ERRORS["choice"]), *prompt(turn)]
    match = await turn.session.get(BeneficiaryMatch, turn.state.data["match"])
    name, program = turn.state.data["name"], turn.state.data["program"]
    turn.state.clear()
    if chosen == "kembali":
        return await cek(turn, 0)
    if match is None or match.pekon_kode != pekon.kode:  # deleted meanwhile, or never this pekon's
        return [menu(member, beneficiary_words.CEK_ALREADY)]
    done = await decide(
        turn.session,
        match,
        confirm=chosen == "sama",
        member_id=member.id,
        channel=turn.message.channel,
        now=turn.now,
    )
    if not done:
        return [menu(member, beneficiary_words.CEK_ALREADY)]
    word = beneficiary_words.CEK_CONFIRMED if chosen == "sama" else beneficiary_words.CEK_REJECTED
    return [menu(member, word.format(name=name, program=program))]
