"""Staff send a beneficiary list (CSV or XLSX) in chat: the bot reads it, asks the program if the
caption did not name it, shows what it understood, and on "Ya, impor" imports it with the CLI's
own functions (models/beneficiary_import.py), then answers with the check.

The file's bytes are brought before the turn, outside its transaction (bot/file_prefetch.py):
`turn.files` serves them, or the download's failure. Between the preview and the import the bytes
are kept in the database (models/list_upload_file.py), so "Ya, impor" downloads nothing; the
import and "Batal" forget them. Nothing of a list's content is logged.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from pathlib import PurePosixPath

from sqlalchemy import select

from bot.messages import FetchFailed, IncomingFile, OutgoingMessage
from handlers.beneficiary import cek
from handlers.core import Turn
from handlers.menu import choices, menu, pick
from handlers.show import show_date
from handlers.texts import beneficiary_words, error_words, report_words, staff_words
from models.base import wib_date
from models.beneficiary_findings import findings_by_pekon, pending_matches
from models.beneficiary_import import ListMeta, normal_program, parse_date
from models.beneficiary_match import refresh_matches_in
from models.beneficiary_stream import ListCount, count_list, import_list
from models.csvfile import ImportRejected, Problem
from models.list_upload_file import drop_file, keep_file, kept_file
from models.person import Member, Role
from models.region import Pekon

UPLOAD_FLOW = "daftar_kirim"
MAX_BYTES = 5 * 1024 * 1024
SHOWN_PROBLEMS = 5
EXTENSIONS = {".csv", ".xlsx"}
MIME_TYPES = {
    "text/csv",
    "text/comma-separated-values",
    "application/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SENDERS = {Role.STAFF, Role.CAMAT, Role.ADMIN}
REGION_CODE = re.compile(r"\b\d{2}\.\d{2}\.\d{2}(?:\.\d{4})?\b")
Refusal = list[OutgoingMessage]


def may_send(member: Member) -> bool:
    """Whether this person's files are read: pekon staff, the camat, an admin."""
    return member.role in SENDERS


async def receive(turn: Turn, member: Member) -> list[OutgoingMessage]:
    """A file arrived: check its kind, read it (brought before the turn) and keep it, then ask the
    program or confirm."""
    file = turn.message.file
    assert file is not None
    turn.state.clear()  # a new file replaces whatever was being asked
    await drop_file(turn.session, *_conversation(turn))
    pekons = await _scope(turn, member)
    if isinstance(pekons, list) and not pekons:
        return [menu(member, staff_words.STAFF_NO_SCOPE.format(village=turn.config.village_word))]
    if isinstance(pekons, str):
        return [menu(member, pekons)]
    if not readable_kind(file):
        return [menu(member, beneficiary_words.UPLOAD_WRONG_TYPE)]
    content = await _fetched(turn, member, file)
    if not isinstance(content, bytes):
        return content
    read = await _read(turn, member, file, content, pekons)
    if not isinstance(read, ListCount):
        return read
    listed, rows = read, read.rows
    digest = await keep_file(turn.session, *_conversation(turn), content, turn.now)
    turn.state.go(
        UPLOAD_FLOW,
        "program",
        file=asdict(file),
        pekons=[p.kode for p in pekons],
        place=_place(turn, pekons, rows),
        rows=sum(rows.values()),
        columns=list(listed.columns.values()),
        ignored=listed.ignored,
        digest=digest,
        per=(_caption_date(turn) or wib_date(turn.now)).isoformat(),
    )
    program = _caption_program(turn.text)
    if program is not None:
        turn.state.step, turn.state.data["program"] = "confirm", program
    return prompt(turn)


def prompt(turn: Turn) -> list[OutgoingMessage]:
    """The waiting question again: the program, or the preview with Ya, impor / Batal."""
    data = turn.state.data
    if turn.state.step == "program":
        lead = beneficiary_words.UPLOAD_ASK_PROGRAM.format(
            name=data["file"]["name"] or "itu", rows=data["rows"]
        )
        return [OutgoingMessage(lead, choices(beneficiary_words.UPLOAD_PROGRAMS))]
    ignored = ", ".join(data["ignored"])
    preview = beneficiary_words.UPLOAD_PREVIEW.format(
        program=data["program"], per=show_date(date.fromisoformat(data["per"])), place=data["place"],
        rows=data["rows"], columns=", ".join(data["columns"]),
        ignored=beneficiary_words.UPLOAD_PREVIEW_IGNORED.format(columns=ignored) if ignored else "",
    )  # fmt: skip
    return [OutgoingMessage(preview, choices(beneficiary_words.UPLOAD_CONFIRM_CHOICES))]


async def turn_in_upload(turn: Turn) -> list[OutgoingMessage]:
    """The answer to the program question, or to the preview."""
    member = turn.member
    assert member is not None
    if turn.state.step == "program":
        program = pick(turn, choices(beneficiary_words.UPLOAD_PROGRAMS)) or _typed_program(turn.text)
        if program is None:
            return [OutgoingMessage(beneficiary_words.UPLOAD_BAD_PROGRAM), *prompt(turn)]
        turn.state.step, turn.state.data["program"] = "confirm", program
        return prompt(turn)
    chosen = pick(turn, choices(beneficiary_words.UPLOAD_CONFIRM_CHOICES))
    if chosen is None:
        return [OutgoingMessage(error_words.ERRORS["yes_no"]), *prompt(turn)]
    if chosen == report_words.NO:
        turn.state.clear()
        await drop_file(turn.session, *_conversation(turn))
        return [menu(member, beneficiary_words.UPLOAD_CANCELLED)]
    return await _import(turn, member)


async def _import(turn: Turn, member: Member) -> list[OutgoingMessage]:
    """Import the previewed file's kept bytes (no second download), then refresh the matches."""
    data = dict(turn.state.data)
    file = IncomingFile(**data["file"])
    turn.state.clear()
    content = await kept_file(turn.session, *_conversation(turn), data["digest"])
    await drop_file(turn.session, *_conversation(turn))
    if content is None:  # forgotten by the retention pass, or replaced
        return [menu(member, beneficiary_words.UPLOAD_UNAVAILABLE)]
    pekons = list(await turn.session.scalars(select(Pekon).where(Pekon.kode.in_(data["pekons"]))))
    per = date.fromisoformat(data["per"])
    meta = ListMeta(data["program"], f"chat: {file.name}"[:200], per, member.name, member.id)
    try:
        async with turn.session.begin_nested():
            today, channel = wib_date(turn.now), turn.message.channel
            result = await import_list(turn.session, content, pekons, meta, today, channel=channel)
            await refresh_matches_in(turn.session, list(result.list_ids))
    except ImportRejected as rejected:
        return [menu(member, _refusal(file, rejected))]
    findings = await findings_by_pekon(turn.session, list(result.list_ids), b2=False)
    done = beneficiary_words.UPLOAD_DONE.format(
        program=meta.program, rows=sum(result.rows.values()), place=data["place"],
        findings=sum(len(found) for found in findings.values()),
    )  # fmt: skip
    return [OutgoingMessage(done), *await _check(turn, member, list(result.list_ids))]


async def _check(turn: Turn, member: Member, kodes: list[str]) -> list[OutgoingMessage]:
    """What `cek` says: the probable matches staff decide on (the camat and admin get a count)."""
    if member.role == Role.STAFF:
        return await cek(turn, 0)
    pending = sum([len(await pending_matches(turn.session, kode)) for kode in kodes])
    lead = beneficiary_words.UPLOAD_PENDING_ELSEWHERE.format(count=pending, village=turn.config.village_word)
    return [menu(member, lead if pending else beneficiary_words.CEK_NONE)]


async def _fetched(turn: Turn, member: Member, file: IncomingFile) -> bytes | Refusal:
    """The file's bytes, or the kind answer: too big, damaged, or not brought (try again)."""
    try:
        if turn.files is None:
            raise FetchFailed("unavailable")
        return await turn.files.fetch(file, MAX_BYTES)
    except FetchFailed as failed:
        village = turn.config.village_word
        words = {
            "too_big": beneficiary_words.UPLOAD_TOO_BIG.format(
                mb=MAX_BYTES // (1024 * 1024), village=village
            ),
            "corrupt": beneficiary_words.UPLOAD_CORRUPT,
        }
        return [menu(member, words.get(failed.kind, beneficiary_words.UPLOAD_UNAVAILABLE))]


async def _read(
    turn: Turn, member: Member, file: IncomingFile, content: bytes, pekons: list[Pekon]
) -> ListCount | Refusal:
    """The file read and every row checked (nothing written), with its rows per pekon; or the
    refusal naming row and column."""
    try:
        return await count_list(turn.session, content, pekons, wib_date(turn.now))
    except ImportRejected as rejected:
        turn.state.clear()
        return [menu(member, _refusal(file, rejected))]


def _conversation(turn: Turn) -> tuple[str, str]:
    """The conversation a kept file belongs to: (channel, address)."""
    return str(turn.message.channel), turn.message.sender_id


async def _scope(turn: Turn, member: Member) -> list[Pekon] | str:
    """The pekon a list may fill: staff's own; every pekon of the camat's kecamatan (the file names
    the pekon per row); for an admin the pekon or kecamatan whose code the caption names."""
    village = turn.config.village_word
    if member.role == Role.STAFF:
        pekon = await turn.session.get(Pekon, member.pekon_kode) if member.pekon_kode else None
        return [pekon] if pekon is not None else []
    if member.role == Role.CAMAT:
        kecamatan = member.kecamatan_kode
        return await _pekons_of(turn, kecamatan) if kecamatan else []
    code = REGION_CODE.search(turn.text)
    if code is None:
        return beneficiary_words.UPLOAD_ADMIN_CODE.format(village=village)
    return await _pekons_of(turn, code.group(0))


async def _pekons_of(turn: Turn, code: str) -> list[Pekon]:
    """The pekon with this code, or every pekon of the kecamatan with this code."""
    column = Pekon.kode if code.count(".") == 3 else Pekon.kecamatan_kode
    return list(await turn.session.scalars(select(Pekon).where(column == code).order_by(Pekon.kode)))


def readable_kind(file: IncomingFile) -> bool:
    """A CSV or XLSX by its name or, failing a known name, by its declared type."""
    suffix = PurePosixPath(file.name.lower()).suffix
    if suffix:
        return suffix in EXTENSIONS
    return (file.mime_type or "").lower() in MIME_TYPES


def _refusal(file: IncomingFile, rejected: ImportRejected) -> str:
    """The problems, naming row and column, as the CLI does in its own words."""
    lines = [_problem(p) for p in rejected.problems[:SHOWN_PROBLEMS]]
    extra = len(rejected.problems) - SHOWN_PROBLEMS
    if extra > 0:
        lines.append(beneficiary_words.UPLOAD_MORE_PROBLEMS.format(count=extra))
    return beneficiary_words.UPLOAD_REFUSED.format(name=file.name or "itu", problems="\n".join(lines))


def _problem(problem: Problem) -> str:
    words = beneficiary_words.UPLOAD_PROBLEMS.get(problem.code, problem.code).format(**problem.detail)
    if problem.line:
        return beneficiary_words.UPLOAD_PROBLEM_LINE.format(line=problem.line, words=words)
    return beneficiary_words.UPLOAD_PROBLEM_FILE.format(words=words)


def _place(turn: Turn, pekons: list[Pekon], rows: dict[str, int]) -> str:
    village = turn.config.village_word
    named = [p for p in pekons if rows.get(p.kode)]
    if len(named) == 1:
        return beneficiary_words.UPLOAD_PREVIEW_PLACE.format(village=village, pekon=named[0].nama)
    names = ", ".join(p.nama for p in named)
    return beneficiary_words.UPLOAD_PREVIEW_PLACES.format(count=len(named), village=village, names=names)


def _caption_program(caption: str) -> str | None:
    """The program the caption names: a known one anywhere in it ("daftar pkh per 1-9-2026"),
    or the caption itself when it is one word that reads as a program name."""
    words = [w for w in re.split(r"[\s,;]+", caption) if w]
    known = {name.upper(): name for name in beneficiary_words.UPLOAD_PROGRAMS}
    for word in words:
        if word.upper() in known:
            return known[word.upper()]
    return _typed_program(caption) if len(words) == 1 else None


def _typed_program(text: str) -> str | None:
    """A program typed as its answer: one short word, not a date or a region code."""
    text = text.strip()
    if not text or parse_date(text) is not None or REGION_CODE.search(text) or " " in text:
        return None
    return normal_program(text)


def _caption_date(turn: Turn) -> date | None:
    """The list's date named in the caption ("per 01-09-2026"), if any and not in the future."""
    for word in turn.text.split():
        day = parse_date(word)
        if day is not None and day <= wib_date(turn.now):
            return day
    return None
