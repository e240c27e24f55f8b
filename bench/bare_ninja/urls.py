"""The two endpoints of the anchor, with plain SQL and a Pydantic schema each."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.http import Http404, HttpRequest
from django.urls import path
from ninja import NinjaAPI, Schema

api = NinjaAPI(title="bare anchor", docs_url=None)

COLUMNS = (
    "e.key, e.title, e.start, e.end, e.city, e.country, e.delivery_mode, e.participants, "
    "e.sensitivity, e.version, i.key, i.name"
)
FROM = "FROM activities_trainingevent e JOIN institutions_institution i ON i.id = e.host_id"


class HostSchema(Schema):
    key: str
    name: str


class EventSchema(Schema):
    key: str
    title: str
    start: dt.date | None
    end: dt.date | None
    city: str
    country: str
    delivery_mode: str
    participants: int | None
    sensitivity: str
    version: int
    host: HostSchema


class EventPage(Schema):
    count: int
    items: list[EventSchema]


def _item(row: tuple) -> dict:
    names = ("key", "title", "start", "end", "city", "country", "delivery_mode")
    names += ("participants", "sensitivity", "version")
    return {**dict(zip(names, row[:10], strict=True)), "host": {"key": row[10], "name": row[11]}}


@api.get("/events", response=EventPage)
def list_events(request: HttpRequest, country: str, year: int, limit: int = 50, offset: int = 0):
    where = "WHERE e.country = %s AND e.start BETWEEN %s AND %s"
    params = [country, f"{year:04d}-01-01", f"{year:04d}-12-31"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {FROM} {where}", params)  # noqa: S608 (constants)
        count = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT {COLUMNS} {FROM} {where} ORDER BY e.start DESC, e.key LIMIT %s OFFSET %s",  # noqa: S608
            [*params, limit, offset],
        )
        return {"count": count, "items": [_item(row) for row in cursor.fetchall()]}


@api.get("/events/{key}", response=EventSchema)
def get_event(request: HttpRequest, key: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} {FROM} WHERE e.key = %s", [key])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        raise Http404(key)
    return _item(row)


urlpatterns = [path("api/", api.urls)]
