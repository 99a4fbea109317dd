"""UN/EDIFACT intake: CUSCAR manifests, CODECO gate and COARRI quay reports → domain records.

``parse_edifact(data, source_name=...)`` reads one interchange (several messages allowed) and dispatches
each message on its UNH message type. An interchange that cannot be read at all raises
:class:`~cargoscreen.domain.errors.ParseError`; a bad message or record becomes a
:class:`~cargoscreen.domain.quarantine.Rejection` and the good records of the same message are kept.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cargoscreen.domain.batch import ParseResult
from cargoscreen.ingest.edifact.coarri import read_coarri
from cargoscreen.ingest.edifact.codeco import read_codeco
from cargoscreen.ingest.edifact.common import Context, RecordError, at
from cargoscreen.ingest.edifact.cuscar import read_cuscar
from cargoscreen.ingest.edifact.interchange import Interchange, Message, read_interchange
from cargoscreen.ingest.edifact.syntax import Engine

__all__ = ["SUPPORTED_MESSAGES", "parse_edifact"]

Reader = Callable[[Message, Context], ParseResult]
SUPPORTED_MESSAGES: dict[str, Reader] = {"CUSCAR": read_cuscar, "CODECO": read_codeco, "COARRI": read_coarri}


def parse_edifact(data: bytes, *, source_name: str, engine: Engine = "fast") -> ParseResult:
    """Parse an EDIFACT interchange into manifests, equipment events and rejections.

    ``engine="pydifact"`` tokenises everything with pydifact (slower; same result).
    """
    with _collector_paused():
        return _parse(data, source_name, engine)


def _parse(data: bytes, source_name: str, engine: Engine) -> ParseResult:
    interchange = read_interchange(data, engine=engine)
    result = ParseResult(source_name=source_name, source_format="edifact")
    for message in interchange.messages:
        context = _context(interchange, message, source_name)
        reader = SUPPORTED_MESSAGES.get(message.message_type)
        if reader is None:
            supported = ", ".join(SUPPORTED_MESSAGES)
            error = RecordError(
                message.unh(),
                at(2, 1),
                f"message type {message.message_type!r} not supported ({supported})",
            )
            result.rejections.append(context.reject("message", error, message.raw()))
            continue
        result.extend(reader(message, context))
    return result


class _CollectorPause:
    """Pause the cyclic garbage collector while parsing (re-entrant and thread-safe).

    A big interchange creates ~10^6 long-lived records; with the collector on, CPython re-scans them in
    repeated full collections and parsing takes 2–3× longer. Reference counting still frees the
    temporaries (the records and group trees hold no cycles); the collector resumes, if it was on, when the
    last parse running in the process ends.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._was_enabled:
                    gc.enable()


_collector_paused = _CollectorPause()


def _context(interchange: Interchange, message: Message, source_name: str) -> Context:
    return Context(
        source_name=source_name,
        source_format=message.message_type.lower() or "edifact",
        sender=interchange.sender,
        recipient=interchange.recipient,
        interchange_ref=interchange.reference,
        message_ref=message.reference,
    )
