from __future__ import annotations

from django.db import connection
from django.utils import timezone
from ninja import Router, Schema

from safecommune import __version__

router = Router(tags=["system"])


class HealthOut(Schema):
    status: str
    version: str
    database: str
    time: str


@router.get("/health", response=HealthOut, summary="Liveness and database check")
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "version": __version__, "database": connection.vendor,
            "time": timezone.now().isoformat()}
