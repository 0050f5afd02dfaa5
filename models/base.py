"""Declarative base, naming convention, and the UTC timestamp type every table uses."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, MetaData, func
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

WIB = timezone(timedelta(hours=7), "WIB")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite gives them back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class CreatedAt:
    """Mixin: when the row was written (UTC)."""

    created_at: Mapped[datetime] = mapped_column(default=lambda: datetime.now(UTC), server_default=func.now())


def utcnow() -> datetime:
    """Now, aware, UTC."""
    return datetime.now(UTC)


def wib_date(instant: datetime) -> date:
    """The calendar date in WIB of an instant."""
    return instant.astimezone(WIB).date()


def month_of(day: date) -> date:
    """The period (first day of the month) a date belongs to."""
    return day.replace(day=1)


def add_months(period: date, months: int) -> date:
    """The first day of the month `months` after `period`."""
    index = period.year * 12 + period.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_day(period: date) -> date:
    """The last day of a period's month."""
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])
