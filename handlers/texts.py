"""Every word the bot says, in Bahasa Indonesia: friendly and short. Code elsewhere never holds
user-facing words; it picks them from here. Each section belongs to one part of the product."""

from __future__ import annotations

# --- conversations (handlers/) -------------------------------------------------------------------

# --- channels (bot/channels, bot/outbox) ---------------------------------------------------------

# --- jobs: reminders, escalation, close, recap delivery (jobs/) ----------------------------------
