"""Channel adapters: each turns its platform's payloads into IncomingMessage and sends outbox rows."""
