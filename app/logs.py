"""Log output: text lines (the default) or one JSON object per line (TRACKTWO_LOG_FORMAT=json),
with the same fields either way: time, level, logger, message; request lines add method, route
template, status and duration. What is logged is decided in app.middleware (nothing from a
request but its method, route template, status and duration)."""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from app.config import Settings
from app.middleware import install_log_filters

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}
HANDLER_NAME = "tracktwo"


def formatter(settings: Settings) -> logging.Formatter:
    if settings.log_format == "json":
        return JsonFormatter(TEXT_FORMAT, rename_fields=JSON_FIELDS, json_ensure_ascii=False)
    return logging.Formatter(TEXT_FORMAT)


def configure(settings: Settings) -> None:
    """The `tracktwo` loggers' level and handler (one, named, re-formatted on each call)."""
    logger = logging.getLogger("tracktwo")
    logger.setLevel(settings.log_level.upper())
    handler = next((h for h in logger.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.set_name(HANDLER_NAME)
        logger.addHandler(handler)
    handler.setFormatter(formatter(settings))
    logger.propagate = True
    install_log_filters()


def uvicorn_log_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's own loggers in the same format as ours (its access log stays off and filtered:
    app.middleware.DropRecords)."""
    if settings.log_format == "json":
        fmt: dict[str, Any] = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": TEXT_FORMAT,
            "rename_fields": JSON_FIELDS,
            "json_ensure_ascii": False,
        }
    else:
        fmt = {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": fmt},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
