"""`python -m bot` is the same as `pemangku`."""

from bot.cli import main

main()
