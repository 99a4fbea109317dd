"""What every request handler needs, built once per app: settings, database, blobs, sessions, templates."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from cargoscreen.api.queue import QueueViews
from cargoscreen.api.security import Principal, SessionCodec
from cargoscreen.settings import Settings
from cargoscreen.store import BlobStore, Database, UnitOfWork

#: Templates and static assets of the workstation (data files of ``cargoscreen/web``).
WEB_DIR = Path(__file__).resolve().parent.parent / "web"


@dataclass
class Services:
    """Shared by the routes of one app (``app.state.services``)."""

    settings: Settings
    database: Database
    blobs: BlobStore
    sessions: SessionCodec
    queue_cache: dict[Any, Any] = field(default_factory=dict)
    queue_views: QueueViews = field(default_factory=QueueViews)
    templates: Jinja2Templates = field(
        default_factory=lambda: Jinja2Templates(directory=str(WEB_DIR / "templates"))
    )

    @property
    def staging(self) -> Path:
        """Where partner uploads are staged until their hash is verified."""
        folder = self.settings.data_dir / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        with self.database.unit_of_work() as uow:
            yield uow

    def audit(
        self,
        request: Request,
        principal: Principal,
        action: str,
        object_kind: str,
        object_id: str,
        detail: Mapping[str, Any] | None = None,
        *,
        uow: UnitOfWork | None = None,
    ) -> None:
        """Append to the audit log: inside ``uow`` when given (with the change it records), else on its own."""
        if uow is None:
            with self.database.unit_of_work() as own:
                self.audit(request, principal, action, object_kind, object_id, detail, uow=own)
            return
        uow.audit.record(
            actor=principal.actor,
            action=action,
            object_kind=object_kind,
            object_id=object_id,
            detail=detail,
            request_id=request_id(request),
        )


def request_id(request: Request) -> str:
    """The id of the request (from the request-id middleware)."""
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else secrets.token_hex(8)


def services_of(request: Request) -> Services:
    """The app's services."""
    found: Services = request.app.state.services
    return found
