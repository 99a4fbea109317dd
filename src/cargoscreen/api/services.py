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

from cargoscreen.api.audit_batch import AuditBatcher
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
    audit_writer: AuditBatcher = field(init=False)
    templates: Jinja2Templates = field(
        default_factory=lambda: Jinja2Templates(directory=str(WEB_DIR / "templates"))
    )

    def __post_init__(self) -> None:
        self.audit_writer = AuditBatcher(self.database.unit_of_work)
        self.templates.env.auto_reload = False  # templates ship with the package: no stat() per render

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
        """Append to the audit log: inside ``uow`` when given (with the change it records), else in a
        transaction shared with the audit entries of concurrent requests (:mod:`cargoscreen.api.audit_batch`)."""
        entry: dict[str, Any] = {
            "actor": principal.actor,
            "action": action,
            "object_kind": object_kind,
            "object_id": object_id,
            "detail": detail,
            "request_id": request_id(request),
        }
        if uow is None:
            self.audit_writer.write(**entry)  # committed before this returns, batched with other requests'
        else:
            uow.audit.record(**entry)


def request_id(request: Request) -> str:
    """The id of the request (from the request-id middleware)."""
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else secrets.token_hex(8)


def services_of(request: Request) -> Services:
    """The app's services."""
    found: Services = request.app.state.services
    return found
