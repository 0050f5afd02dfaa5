"""The report conversation: one question at a time, warnings, summary, change, save with a receipt.

State: flow "report"; step "ask:<key>", "warn", "summary", "change" or "reason" (corrections);
data {"kind", "v": answers, "hist": keys asked in order, "ok": accepted warnings, "fix": event id,
"dup": the likely duplicate shown on the summary, "was": the value of a field being changed}.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.messages import OutgoingMessage
from handlers.core import Step, Turn
from handlers.duplicates import likely_duplicate
from handlers.fields import Field, fields_for, person_prefixes
from handlers.menu import choices, menu, pick, said
from handlers.parsing import Invalid, mask_free_text, nik_sex, nik_warnings, parse_yes_no, words
from handlers.report_save import save_report
from handlers.show import ledger_message, show_date
from handlers.texts import conversation_words, error_words, report_words
from models.base import wib_date
from models.event import Event, EventKind
from models.ledger import LedgerError
from models.names import mask_nik, proper_name

FLOW = "report"
OLD_AFTER = timedelta(days=365)
NAME_KEYS = ("name", "mother_name", "father_name")
TWIN_KEEPS = ("event_date", "birth_place", "mother_name", "father_name", "citizenship")  # twins share these


def start(kind: str, values: dict[str, Any] | None = None, fix: int | None = None) -> Step:
    """A menu action that starts a report of `kind` (optionally prefilled, or correcting `fix`)."""

    async def begin(turn: Turn) -> list[OutgoingMessage]:
        turn.state.go(FLOW, None, kind=kind, v=dict(values or {}), hist=[], ok=[], fix=fix)
        if fix:
            turn.state.data["orig"] = dict(values or {})  # a correction must change something
        replies = await advance(turn)
        if values:
            return replies
        first = replies[0]  # the greeting and the first question travel as one message
        return [
            OutgoingMessage(f"{report_words.KIND_START[kind]}\n{first.text}", first.choices),
            *replies[1:],
        ]

    return begin


async def turn_in_report(turn: Turn) -> list[OutgoingMessage]:
    """Handle one message inside a report."""
    step = turn.state.step or ""
    if not turn.text and turn.message.choice_id is None:
        return prompt(turn)
    if said(turn, conversation_words.WORDS_BACK):
        return await back(turn)
    if step.startswith("ask:"):
        return await answer(turn, step.removeprefix("ask:"))
    if step == "warn":
        return await confirm_warning(turn)
    if step == "change":
        return change_field(turn)
    if step == "reason":
        return await _save(turn, reason=mask_free_text(turn.text))
    return await at_summary(turn)


async def _save(turn: Turn, reason: str | None = None) -> list[OutgoingMessage]:
    draft = turn.state.data
    try:
        saved = await save_report(turn, reason)
    except LedgerError as exc:
        turn.state.step = "summary"
        return [OutgoingMessage(ledger_message(exc, turn.config.village_word)), summary(turn)]
    twins = draft.get("twins")
    if turn.state.flow is None and twins and twins["n"] < twins["of"]:
        return await _next_twin(turn, draft, saved)
    return saved


def start_twins(turn: Turn, count: int, babies: list[dict[str, Any]] | None = None) -> None:
    """Mark the birth being reported as the first of `count` babies born together; `babies`: the
    name and sex of the next ones, when the line gave them."""
    turn.state.data["twins"] = {"n": 1, "of": count, "next": list(babies or [])}


async def _next_twin(turn: Turn, done: dict[str, Any], saved: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """After a twin's receipt, the next baby's report: the parents, date and place of the one just
    saved, its own name and sex asked, or its summary when the line named it (the receipt without
    the menu: the question follows)."""
    waiting = list(done["twins"].get("next", []))
    kept = {key: done["v"].get(key) for key in TWIN_KEEPS} | {"nik": None} | (waiting[0] if waiting else {})
    n, of = done["twins"]["n"] + 1, done["twins"]["of"]
    first, *rest = await start(EventKind.LAHIR, kept)(turn)
    turn.state.data["twins"] = {"n": n, "of": of, "next": waiting[1:]}
    same = report_words.TWIN_SAME.format(
        mother=show_value("mother_name", kept["mother_name"]),
        father=show_value("father_name", kept["father_name"]),
        date=show_value("event_date", kept["event_date"]),
        place=show_value("birth_place", kept["birth_place"]),
    )
    lead = f"{report_words.TWIN_NEXT.format(n=n, of=of)} {same}"
    return [OutgoingMessage(saved[0].text), OutgoingMessage(f"{lead}\n{first.text}", first.choices), *rest]


def _data(turn: Turn) -> dict[str, Any]:
    return turn.state.data


def _field(turn: Turn, key: str) -> Field:
    data = _data(turn)
    return next(f for f in fields_for(data["kind"], data["v"]) if f.key == key)


def ask(turn: Turn, key: str) -> list[OutgoingMessage]:
    """Put a question and remember it was asked."""
    hist: list[str] = _data(turn)["hist"]
    if not hist or hist[-1] != key:
        hist.append(key)
    turn.state.step = f"ask:{key}"
    return prompt(turn)


def prompt(turn: Turn) -> list[OutgoingMessage]:
    """The current step's question again."""
    step = turn.state.step or ""
    if step.startswith("ask:"):
        field = _field(turn, step.removeprefix("ask:"))
        return [OutgoingMessage(text=field.question, choices=choices(field.choices))]
    if step == "warn":
        return [OutgoingMessage(_data(turn)["warn"]["text"], choices(report_words.WARNING_CHOICES))]
    if step == "change":
        return [OutgoingMessage(report_words.CHANGE_PROMPT, choices(_change_items(turn)))]
    if step == "reason":
        return [OutgoingMessage(report_words.CORRECTION_REASON)]
    return [summary(turn)]


async def answer(turn: Turn, key: str) -> list[OutgoingMessage]:
    """Read the answer to a question; a wrong one is explained with an example."""
    field = _field(turn, key)
    picked = pick(turn, choices(field.choices)) if field.choices else None
    try:
        value = field.parse(picked or turn.text, turn.now)
    except Invalid as exc:
        return [OutgoingMessage(exc.text), *prompt(turn)]
    _data(turn)["v"][key] = value
    _data(turn).pop("was", None)
    return await advance(turn)


async def advance(turn: Turn) -> list[OutgoingMessage]:
    """The next thing to say: a warning, the next unanswered question, or the summary."""
    warning = _pending_warning(turn)
    if warning is not None:
        _data(turn)["warn"] = warning
        turn.state.step = "warn"
        return prompt(turn)
    data = _data(turn)
    missing = next((f for f in fields_for(data["kind"], data["v"]) if f.key not in data["v"]), None)
    if missing is not None:
        return ask(turn, missing.key)
    turn.state.step = "summary"
    data["dup"] = None if data.get("fix") else await likely_duplicate(turn, data["kind"], data["v"])
    return [summary(turn)]


async def back(turn: Turn) -> list[OutgoingMessage]:
    """One step back: the previous question (its answer forgotten), or out of the report; from
    a change (the list of fields, or the field being changed) back to the summary."""
    data, step = _data(turn), turn.state.step or ""
    hist: list[str] = data["hist"]
    if step.startswith("ask:") and "was" in data:
        data["v"].update(data.pop("was"))
        step = "change"
    if step in ("change", "reason"):
        turn.state.step = "summary"
        return [summary(turn)]
    if step.startswith("ask:") and hist:
        hist.pop()
    if not hist:
        turn.state.clear()
        assert turn.member is not None
        return [menu(turn.member)]
    key = hist[-1]
    data["v"].pop(key, None)
    return ask(turn, key)


async def confirm_warning(turn: Turn) -> list[OutgoingMessage]:
    """Ya keeps the answer despite the warning; Tidak asks the question again."""
    data = _data(turn)
    chosen = pick(turn, choices(report_words.WARNING_CHOICES))
    if chosen is None:
        return [OutgoingMessage(error_words.ERRORS["yes_no"]), *prompt(turn)]
    warning = data.pop("warn")
    if chosen == report_words.YES:
        data["ok"].append(warning["id"])
        return await advance(turn)
    data["v"].pop(warning["key"], None)
    return ask(turn, warning["key"])


async def at_summary(turn: Turn) -> list[OutgoingMessage]:
    """Simpan (or "ya"), Ubah or Batal on the summary; a likely duplicate needs "Tetap simpan"."""
    duplicate = _data(turn).get("dup")
    chosen = pick(
        turn, choices(report_words.DUPLICATE_CHOICES if duplicate else report_words.SUMMARY_CHOICES)
    )
    if chosen is None and words(turn.text) in conversation_words.WORDS_CHANGE:
        chosen = "ubah"
    if chosen is None and _says_yes(turn):
        if duplicate:
            return [OutgoingMessage(report_words.DUPLICATE_NEEDS_CONFIRMATION), summary(turn)]
        chosen = "simpan"
    if chosen in ("simpan", "tetap simpan"):
        if _data(turn).get("fix") and _data(turn)["v"] == _data(turn).get("orig"):
            return [OutgoingMessage(await _unchanged(turn)), summary(turn)]
        if _data(turn).get("fix"):
            turn.state.step = "reason"
            return prompt(turn)
        return await _save(turn)
    if chosen == "ubah":
        turn.state.step = "change"
        return prompt(turn)
    if chosen == "batal":
        turn.state.clear()
        assert turn.member is not None
        return [menu(turn.member, conversation_words.CANCELLED)]
    return [OutgoingMessage(error_words.ERRORS["choice"]), summary(turn)]


async def _unchanged(turn: Turn) -> str:
    original = await turn.session.get(Event, _data(turn)["fix"])
    return report_words.CORRECTION_UNCHANGED.format(receipt=original.receipt if original else "")


def _says_yes(turn: Turn) -> bool:
    if turn.message.choice_id is not None:
        return False
    if words(turn.text) == "simpan":
        return True
    try:
        return parse_yes_no(turn.text)
    except Invalid:
        return False


def _change_items(turn: Turn) -> dict[str, str]:
    data = _data(turn)
    return {f.key: _label(f.key) for f in fields_for(data["kind"], data["v"])}


def change_field(turn: Turn) -> list[OutgoingMessage]:
    """The field chosen for a change is asked again; the flow returns to the summary after it."""
    key = pick(turn, choices(_change_items(turn)))
    if key is None:
        return [OutgoingMessage(error_words.ERRORS["choice"]), *prompt(turn)]
    was = _data(turn)["v"].pop(key, None)
    _data(turn)["was"] = {key: was} if was is not None else {}
    return ask(turn, key)


def asked_label(turn: Turn) -> str | None:
    """The label of the report field being asked ("Nama ayah"), or None outside a report's question."""
    step = turn.state.step or ""
    return _label(step.removeprefix("ask:")) if turn.state.flow == FLOW and step.startswith("ask:") else None


def _label(key: str) -> str:
    if "." in key:
        member, base = key.split(".", 1)
        return f"{report_words.MEMBER_LABEL.format(n=member[1:])}: {report_words.LABELS[base]}"
    return report_words.LABELS[key]


def _member_line(member: str, values: dict[str, Any]) -> str:
    """ "Anggota 1 (kepala keluarga): Ali · L (laki-laki) · NIK -" """
    shown = {base: show_value(base, values.get(f"{member}.{base}")) for base in ("name", "sex", "nik")}
    head = report_words.MEMBER_HEAD if member == "m1" else ""
    return report_words.SUMMARY_MEMBER.format(n=member[1:], head=head, **shown)


def show_value(key: str, value: Any) -> str:
    """A draft value as shown in a summary (NIK masked)."""
    base = key.rsplit(".", 1)[-1]
    if value is None:
        return report_words.EMPTY
    if base == "nik":
        return mask_nik(value)
    if base == "event_date":
        return show_date(date.fromisoformat(value))
    if base == "sex":
        return str(report_words.SEX_CHOICES[value])
    if isinstance(value, bool):
        return report_words.YES_NO_CHOICES[report_words.YES if value else report_words.NO]
    if base in NAME_KEYS:
        return proper_name(value)  # as the books will print it
    return mask_free_text(str(value))


def summary(turn: Turn) -> OutgoingMessage:
    """Everything answered, to check before saving."""
    data = _data(turn)
    kind = data["kind"]
    lines = [report_words.SUMMARY_TITLE.format(kind=report_words.KIND_NAMES[kind])]
    for f in fields_for(kind, data["v"]):
        member, _, base = f.key.rpartition(".")
        if not member:
            lines.append(f"{_label(f.key)}: {show_value(f.key, data['v'].get(f.key))}")
        elif base == "name":  # a family member on one line: a cheap phone's screen is short
            lines.append(_member_line(member, data["v"]))
    duplicate = data.get("dup")
    if duplicate:
        kind_name = report_words.KIND_NAMES[kind]
        lines.append(report_words.DUPLICATE_FLAG.format(kind=kind_name, **duplicate))
        return OutgoingMessage("\n".join(lines), choices(report_words.DUPLICATE_CHOICES))
    lines.append(report_words.SUMMARY_FOOTER)
    return OutgoingMessage("\n".join(lines), choices(report_words.SUMMARY_CHOICES))


def _pending_warning(turn: Turn) -> dict[str, str] | None:
    """The first warning about the draft that the person has not accepted yet."""
    data = _data(turn)
    accepted = set(data["ok"])
    return next((w for w in _draft_warnings(data["kind"], data["v"], turn) if w["id"] not in accepted), None)


def _draft_warnings(kind: str, values: dict[str, Any], turn: Turn) -> list[dict[str, str]]:
    found = []
    typed_date = values.get("event_date")
    day = date.fromisoformat(typed_date) if typed_date else None
    for prefix in person_prefixes(kind, values):
        nik, sex = values.get(f"{prefix}nik"), values.get(f"{prefix}sex")
        if not nik:
            continue
        birth = day if kind == EventKind.LAHIR else None
        for code in nik_warnings(nik, sex, birth):
            text = report_words.WARNINGS[code].format(
                nik=mask_nik(nik),
                nik_sex=report_words.SEX_NAMES[nik_sex(nik)],
                sex=report_words.SEX_NAMES.get(sex or "", "-"),
                date=show_date(birth) if birth else "-",
            )
            found.append({"id": f"{code}:{nik}:{sex}:{birth}", "key": f"{prefix}nik", "text": text})
    today = wib_date(turn.now)
    if day is not None and today - day > OLD_AFTER:
        code = "old_birth" if kind == EventKind.LAHIR else "old_event"
        text = report_words.WARNINGS[code].format(date=show_date(day))
        found.append({"id": f"{code}:{day}", "key": "event_date", "text": text})
    return found
