"""OutgoingMessage to WhatsApp Cloud API message objects, within the platform's size limits.

Choices: reply buttons for up to 3, a list for up to 10, numbered text beyond that (or when the
text is too long for an interactive body). Every rendering numbers the choices, so typing the
number or the label always works, and a label cut to fit a button is repeated in full in the body.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import Choice, OutgoingMessage
from handlers.texts import channel_words

TEXT_MAX = 4096
INTERACTIVE_BODY_MAX = 1024
CAPTION_MAX = 1024
MAX_BUTTONS = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
MAX_ROWS = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ROW_ID_MAX = 200
LIST_BUTTON_MAX = 20
ELLIPSIS = "…"

Content = dict[str, Any]


def cut(text: str, limit: int) -> str:
    """`text` shortened to `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def numbered(index: int, label: str) -> str:
    """A choice as the person can type it back: "1. Laki-laki"."""
    return f"{index}. {label}"


def text_content(body: str) -> Content:
    """A plain text message."""
    return {"type": "text", "text": {"preview_url": False, "body": body}}


def buttons_content(body: str, choices: tuple[Choice, ...]) -> Content:
    """Reply buttons (at most 3), titled "1. label" cut to 20 characters."""
    buttons = [
        {"type": "reply", "reply": {"id": c.id, "title": cut(numbered(i, c.label), BUTTON_TITLE_MAX)}}
        for i, c in enumerate(choices, 1)
    ]
    return {
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}},
    }


def list_content(body: str, choices: tuple[Choice, ...]) -> Content:
    """A list message (at most 10 rows); a row whose title was cut keeps its full label in its description."""
    rows = []
    for i, c in enumerate(choices, 1):
        title = numbered(i, c.label)
        row: dict[str, str] = {"id": c.id, "title": cut(title, ROW_TITLE_MAX)}
        description = c.description
        if len(title) > ROW_TITLE_MAX:
            description = f"{c.label}: {c.description}" if c.description else c.label
        if description:
            row["description"] = cut(description, ROW_DESCRIPTION_MAX)
        rows.append(row)
    action = {
        "button": cut(channel_words.WHATSAPP_LIST_BUTTON, LIST_BUTTON_MAX),
        "sections": [{"rows": rows}],
    }
    return {"type": "interactive", "interactive": {"type": "list", "body": {"text": body}, "action": action}}


def document_content(media_id: str, filename: str, caption: str | None) -> Content:
    """A document already uploaded as media."""
    document = {"id": media_id, "filename": filename}
    if caption:
        document["caption"] = cut(caption, CAPTION_MAX)
    return {"type": "document", "document": document}


def template_content(name: str, language: str, params: tuple[str, ...]) -> Content:
    """An approved template with its body parameters."""
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if params:
        parameters = [{"type": "text", "text": template_param(p)} for p in params]
        template["components"] = [{"type": "body", "parameters": parameters}]
    return {"type": "template", "template": template}


def template_param(value: str) -> str:
    """A parameter as Meta accepts it: no new lines or tabs, no runs of spaces (error 132018)."""
    return re.sub(r"\s+", " ", value).strip() or "-"


def free_form_contents(message: OutgoingMessage) -> list[Content]:
    """The message objects that carry a message without its document, in sending order."""
    text = message.text
    if message.request_contact:
        text = f"{text}\n\n{channel_words.WHATSAPP_CONTACT_HINT}"
    choices = message.choices
    if not choices:
        return [text_content(part) for part in split_text(text)]
    if _fits_interactive(text, choices):
        if len(choices) <= MAX_BUTTONS:
            return [buttons_content(_body_with_labels(text, choices), choices)]
        return [list_content(text, choices)]
    return [text_content(part) for part in split_text(numbered_text(text, choices))]


def numbered_text(text: str, choices: tuple[Choice, ...]) -> str:
    """The text, one numbered line per choice, and how to answer."""
    lines = [numbered(i, c.label) for i, c in enumerate(choices, 1)]
    return "\n".join([text, "", *lines, "", channel_words.WHATSAPP_CHOICES_HINT])


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Text cut into messages of at most `limit` characters, at line ends where possible."""
    parts: list[str] = []
    while len(text) > limit:
        at = text.rfind("\n", 0, limit)
        at = at if at > 0 else limit
        parts.append(text[:at].rstrip())
        text = text[at:].lstrip("\n")
    return [*parts, text]


def _fits_interactive(text: str, choices: tuple[Choice, ...]) -> bool:
    buttons = len(choices) <= MAX_BUTTONS
    id_max = BUTTON_ID_MAX if buttons else ROW_ID_MAX
    body = _body_with_labels(text, choices) if buttons else text
    return (
        len(choices) <= MAX_ROWS
        and all(0 < len(c.id) <= id_max for c in choices)
        and 0 < len(body) <= INTERACTIVE_BODY_MAX
    )


def _body_with_labels(text: str, choices: tuple[Choice, ...]) -> str:
    """The text, plus the full numbered labels when any of them had to be cut on its button."""
    if all(len(numbered(i, c.label)) <= BUTTON_TITLE_MAX for i, c in enumerate(choices, 1)):
        return text
    lines = [numbered(i, c.label) for i, c in enumerate(choices, 1)]
    return "\n".join([text, "", *lines])
