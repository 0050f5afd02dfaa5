"""The runtime: settings, database, channels, dispatcher, outbox, web server, CLI."""
