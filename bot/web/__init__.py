"""The web channel: the HTTP server (webhooks, health) and the kecamatan dashboard."""

from bot.web.server import MAX_BODY_BYTES, BodyLimit, WebServer, build_web_app

__all__ = ["MAX_BODY_BYTES", "BodyLimit", "WebServer", "build_web_app"]
