"""Answering an express line: what could not be read, a reading that is not the only one shown field
by field, what is missing and why it is asked, then the report conversation as usual."""

from __future__ import annotations

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.express import Express
from handlers.fields import fields_for
from handlers.parsing import mask_free_text
from handlers.report_flow import show_value, start_twins
from handlers.report_flow import start as start_report
from handlers.texts import report_words


async def start_express(turn: Turn, found: Express) -> list[OutgoingMessage]:
    """Start the report the line describes, led by what the person should know about the reading."""
    replies = await start_report(found.kind, found.values)(turn)
    if found.twins:
        start_twins(turn, found.twins, found.babies)
    lead = express_lead(found)
    if not lead or not replies:
        return replies
    first = replies[0]  # one message: the explanation and the first question together
    return [OutgoingMessage(f"{lead}\n\n{first.text}", first.choices), *replies[1:]]


def express_lead(found: Express) -> str:
    """The problem met, the reading when it is uncertain or left words out, and what is missing."""
    lines = [found.problem.text] if found.problem else []
    if found.babies:
        names = ", ".join(_baby(baby) for baby in found.babies)
        lines.append(report_words.TWINS_NAMED.format(count=found.twins, names=names))
    elif found.twins:
        lines.append(report_words.TWINS_NOTE.format(count=found.twins))
    if found.unread or found.guessed:
        lines.append(report_words.EXPRESS_READ)
        lines += [f"• {label}: {value}" for label, value in understood(found)]
        if found.unread:
            quoted = ", ".join(f"«{mask_free_text(piece)}»" for piece in found.unread)
            lines.append(report_words.EXPRESS_UNREAD.format(words=quoted))
        lines.append(report_words.EXPRESS_CHECK)
    missing = [f for f in fields_for(found.kind, found.values) if f.key not in found.values]
    if missing:
        labels = ", ".join(_label(f.key).lower() for f in missing)
        lines.append(report_words.EXPRESS_MISSING.format(fields=labels))
    if found.others:
        lines.append(report_words.EXPRESS_SEVERAL.format(count=len(found.others) + 1))
        lines += [f"• «{mask_free_text(other)}»" for other in found.others]
    return "\n".join(lines)


def understood(found: Express) -> list[tuple[str, str]]:
    """Each field the line gave a value, labelled, as the summary would show it."""
    keys = [f.key for f in fields_for(found.kind, found.values)]
    shown = [key for key in keys if found.values.get(key) not in (None, False) and key != "citizenship"]
    if found.values.get("citizenship") == "WNA":
        shown.append("citizenship")
    return [(_label(key), show_value(key, found.values[key])) for key in shown]


def _label(key: str) -> str:
    member, _, base = key.rpartition(".")
    label = report_words.LABELS[base]
    return f"{report_words.MEMBER_LABEL.format(n=member[1:])} {label.lower()}" if member else label


def _baby(baby: dict[str, str]) -> str:
    """ "Putra (L)": a twin named in the line, as the next report will hold it."""
    name = show_value("name", baby["name"])
    return f"{name} ({baby['sex']})" if baby.get("sex") else name
