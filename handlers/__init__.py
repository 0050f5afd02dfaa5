"""The conversations, channel-neutral: one module per thing a person wants to do."""
