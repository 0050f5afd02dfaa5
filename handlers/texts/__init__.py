"""Every word the bot says, in Bahasa Indonesia: friendly and short. Code elsewhere never holds
user-facing words; it picks them from the module of its audience here (`*_words.py`)."""
