"""The MQTT sensor listener: QoS 1, a persistent session, store-then-ack, reconnect with backoff.

The listener connects with a fixed client id and ``clean_session=False``: the broker keeps its subscription
and queues QoS 1 messages while it is away (and, with ``persistence true``, across a broker restart).
Acknowledgements are manual (paho-mqtt 2 ``manual_ack``): a message is acknowledged only after the handler
has stored it and committed. A crash between the commit and the PUBACK means the broker delivers the
message again, which the store recognises by (device, sequence) and ignores: nothing is lost and nothing is
doubled. A bad payload is quarantined by the handler and acknowledged. When the handler fails otherwise
(e.g. the database is down) the message is *not* acknowledged and the listener disconnects, so the broker
delivers it again after reconnecting; paho's reconnect backs off from ``min_delay`` to ``max_delay`` seconds.

The broker queues messages for a session only once it holds the session's subscription: a message published
before the broker has processed the listener's first SUBSCRIBE is acknowledged to its publisher and then
dropped (no subscriber). So the listener is ready (:attr:`SensorListener.connected` is set) only when the
broker has acknowledged the subscription (SUBACK), not already at CONNACK.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from cargoscreen.sensors.topics import QOS, SUBSCRIPTION

log = logging.getLogger(__name__)

BatchHandler = Callable[[list[tuple[str, bytes]]], object]


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """Where the broker is: ``mqtt://[user:password@]host[:port]``."""

    host: str
    port: int = 1883
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        parts = urlsplit(url if "://" in url else f"mqtt://{url}")
        if parts.scheme not in {"mqtt", "tcp"} or not parts.hostname:
            raise ValueError(f"broker URL {url!r}: expected mqtt://host[:port]")
        return cls(parts.hostname, parts.port or 1883, parts.username, parts.password)


def new_client(client_id: str, *, persistent: bool = True, manual_ack: bool = False) -> mqtt.Client:
    """A paho client (MQTT 3.1.1) with the given id; ``persistent`` keeps the session across connections."""
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=not persistent,
        manual_ack=manual_ack,
    )
    client.max_queued_messages_set(0)  # no cap: QoS 1 messages published while disconnected are kept
    client.max_inflight_messages_set(100)
    return client


class SensorListener:
    """Subscribes to the sensor topics and hands messages to ``handler`` in small batches (in arrival
    order, on a worker thread), acknowledging each batch only after the handler returned (committed).

    A batch is what arrived while the previous one was handled, up to ``batch_max`` messages: at a low rate
    every message is its own batch, at a high rate one transaction carries many (the per-transaction cost
    is what limits the rate). ``handler`` takes a list of (topic, payload) pairs.
    """

    def __init__(
        self,
        handler: BatchHandler,
        address: BrokerAddress,
        *,
        client_id: str = "cargoscreen-sensors",
        subscription: str = SUBSCRIPTION,
        keepalive: int = 30,
        min_delay: int = 1,
        max_delay: int = 30,
        batch_max: int = 200,
        on_error: Callable[[str, bytes, Exception], bool] | None = None,
    ) -> None:
        self.handler = handler
        self.address = address
        self.subscription = subscription
        self.keepalive = keepalive
        self.batch_max = batch_max
        self.on_error = on_error
        self.handled = 0
        self.failed = 0
        #: Set once the broker has acknowledged the subscription (SUBACK): from then on it queues every
        #: message for this session. Cleared on disconnect.
        self.connected = threading.Event()
        self._queue: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self._stopping = threading.Event()
        self._worker: threading.Thread | None = None
        self.client = new_client(client_id, persistent=True, manual_ack=True)
        if address.username:
            self.client.username_pw_set(address.username, address.password)
        self.client.reconnect_delay_set(min_delay=min_delay, max_delay=max_delay)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = lambda _client, _userdata, message: self._queue.put(message)

    def start(self) -> None:
        """Connect (retrying until the broker answers) and handle messages on background threads."""
        self._start_worker()
        self.client.connect_async(self.address.host, self.address.port, keepalive=self.keepalive)
        self.client.loop_start()

    def run_forever(self) -> None:
        """Connect and handle messages until :meth:`stop` (or Ctrl-C)."""
        self._start_worker()
        self.client.connect_async(self.address.host, self.address.port, keepalive=self.keepalive)
        try:
            self.client.loop_forever(retry_first_connection=True)
        finally:
            self._stop_worker()

    def stop(self) -> None:
        """Finish the batch at hand, then disconnect (unhandled messages stay with the broker)."""
        self._stop_worker()
        self.client.disconnect()
        self.client.loop_stop()

    def _start_worker(self) -> None:
        self._stopping.clear()
        self._worker = threading.Thread(target=self._work, name="sensor-listener", daemon=True)
        self._worker.start()

    def _stop_worker(self) -> None:
        self._stopping.set()
        if self._worker is not None:
            self._worker.join(timeout=30)
            self._worker = None

    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, flags: Any, reason: ReasonCode, _props: Properties | None
    ) -> None:
        if reason.is_failure:
            log.warning("broker refused the connection", extra={"reason": str(reason)})
            return
        client.subscribe(self.subscription, qos=QOS)  # ready at its SUBACK (see _on_subscribe)
        log.info("connected", extra={"session_present": bool(getattr(flags, "session_present", False))})

    def _on_subscribe(
        self,
        _client: mqtt.Client,
        _userdata: Any,
        _mid: int,
        reasons: list[ReasonCode],
        _props: Properties | None,
    ) -> None:
        if any(reason.is_failure for reason in reasons):
            log.error("broker refused the subscription", extra={"reasons": [str(r) for r in reasons]})
            return
        self.connected.set()  # only now does the broker queue this session's messages
        log.info("subscribed", extra={"subscription": self.subscription})

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: ReasonCode, _props: Properties | None
    ) -> None:
        self.connected.clear()
        log.info("disconnected; paho reconnects with backoff", extra={"reason": str(reason)})

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                batch = [self._queue.get(timeout=0.1)]
            except queue.Empty:
                continue
            while len(batch) < self.batch_max:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._handle(batch)

    def _handle(self, batch: list[mqtt.MQTTMessage]) -> None:
        pairs = [(message.topic, bytes(message.payload)) for message in batch]
        try:
            self.handler(pairs)
        except Exception as exc:  # the store failed: leave the batch unacknowledged for redelivery
            self.failed += len(batch)
            if self.on_error is not None and all(self.on_error(t, p, exc) for t, p in pairs):
                self._ack(batch)
                return
            log.exception("handling failed; reconnecting so the broker delivers the messages again")
            self._drain()
            with contextlib.suppress(OSError):  # broker away too: paho's loop keeps retrying
                self.client.reconnect()
            return
        self.handled += len(batch)
        self._ack(batch)

    def _ack(self, batch: list[mqtt.MQTTMessage]) -> None:
        for message in batch:
            self.client.ack(message.mid, message.qos)

    def _drain(self) -> None:
        """Forget what is queued: unacknowledged, the broker sends it again on the new connection."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return


def quarantine_failures(unit_of_work: Callable[[], Any]) -> Callable[[str, bytes, Exception], bool]:
    """An ``on_error`` that keeps a message whose handling raised in the sensor quarantine (then it is
    acknowledged); False when even that fails (the store is down), so the message stays unacknowledged."""

    def keep(topic: str, payload: bytes, exc: Exception) -> bool:
        try:
            with unit_of_work() as uow:
                uow.sensors.quarantine(
                    topic=topic,
                    reason=f"processing failed: {type(exc).__name__}: {exc}",
                    field="",
                    payload=payload,
                )
        except Exception:
            log.exception("could not quarantine the failed message")
            return False
        return True

    return keep
