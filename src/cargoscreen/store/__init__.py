"""Persistence: the only package that imports SQLAlchemy and Alembic.

Use::

    db = Database(url)              # SQLite file or PostgreSQL; nothing connects until used
    db.upgrade()                    # Alembic migrations shipped in store/migrations
    with db.unit_of_work() as uow:  # one transaction: commit on clean exit, rollback on exception
        uow.manifests.add(manifest, raw_sha256)
        uow.events.add_many(events)
        uow.quarantine.add_many(rejections)

Idempotency rules
-----------------
* **Messages** are keyed by ``message_key`` (sender/interchange_ref/message_ref). ``manifests.add`` of a
  stored key returns ``False`` and writes nothing; re-ingesting a file is harmless.
* **Vessel calls** are shared by IMO number + voyage + port of call; the first message to report a call
  sets its attributes (name, carrier, ETA/ATA, previous ports) and later messages do not change them.
* **Containers on a call and bills of lading on a call** are stored once; the first message owns them. A
  later message (or a repeat inside one message) that lists the same container or B/L for the same call
  does not overwrite it: that record is left out and written to the quarantine as a duplicate (scope
  ``equipment`` / ``consignment``) in the same transaction, naming the message key. ``manifests.get``
  rebuilds what was stored, which is exactly the manifest added unless part of it was quarantined so.
* **Parties** are stored once per exact content (a fingerprint of every field) and carry a ``dedupe_key``
  (country + normalised name) that groups one trader's spellings and addresses.
* **Equipment events** are keyed by (source, event_id): ``events.add_many`` skips stored ones and returns
  the number newly stored. **Source files** are keyed by SHA-256 (``sources.seen``).
* **Rejections** are facts about an ingest attempt and are always appended.
* **Blobs** (:class:`BlobStore`) are content-addressed: the same bytes are stored once.

Targeting
---------
* **Risk assessments** are appended (a container is assessed again and again); ``latest_for`` and
  ``latest_for_call`` read the newest by ``assessed_at``. Reasons are stored as JSON, in order.
* **Selection runs** are appended too: saving a day again adds a run, ``selections.latest`` reads the run
  saved last of the newest day (or of a given day) with its decisions, overflow and capacity.
* **Tips** are keyed by ``tip_id`` (``tips.add`` of a stored id returns ``False``); they are revoked, never
  deleted. **Tip uses** are an append-only log, keyed by (tip, container, time) so a repeat is logged once.
* **Watch-list entries** are keyed by (list kind, value); ``watchlists.replace_all`` swaps every list
  inside the unit of work, so it is all or nothing.
* **Inspection outcomes** are keyed by (container, IMO number, voyage, channel, recorded at):
  ``outcomes.add`` of a stored one returns ``False``. **Model versions** are keyed by version; one per
  kind is active.
* ``uow.history`` reads stored manifests in bulk: party history before a moment and the manifests of the
  vessel calls arriving in a window.

Concurrent writers of the same call are serialised by unique constraints: the loser's unit of work fails
with an ``IntegrityError`` and rolls back as a whole, so it can simply be retried.
"""

from cargoscreen.store.blobs import BlobCorrupted, BlobError, BlobNotFound, BlobStore
from cargoscreen.store.database import Database
from cargoscreen.store.uow import UnitOfWork
from cargoscreen.store.views import (
    CallVisit,
    ConsignmentView,
    ContainerDossier,
    GoodsLine,
    ModelVersionView,
    PartyActivity,
    PartyHistory,
    PortSummary,
    SavedSelection,
    StoredRejection,
)

__all__ = [
    "BlobCorrupted",
    "BlobError",
    "BlobNotFound",
    "BlobStore",
    "CallVisit",
    "ConsignmentView",
    "ContainerDossier",
    "Database",
    "GoodsLine",
    "ModelVersionView",
    "PartyActivity",
    "PartyHistory",
    "PortSummary",
    "SavedSelection",
    "StoredRejection",
    "UnitOfWork",
]
