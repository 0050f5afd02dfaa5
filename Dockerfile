# The bot as one process: chat channels, outbox worker, scheduler and (when needed) the webhook server.
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY jobs jobs
COPY models models
RUN pip install --no-cache-dir . && useradd --create-home pemangku

USER pemangku
WORKDIR /home/pemangku
ENV PEMANGKU_HTTP_HOST=0.0.0.0 \
    PEMANGKU_HTTP_PORT=8080 \
    PYTHONUNBUFFERED=1
EXPOSE 8080

# The schema is upgraded before every start; Alembic makes a second upgrade a no-op.
CMD ["sh", "-c", "pemangku db upgrade && exec pemangku run"]
