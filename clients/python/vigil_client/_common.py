"""What the sync and the asyncio client share: request building, conversions, types, logging."""

from __future__ import annotations

import datetime
import logging
import os
import random
import threading
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple, Union

from google.protobuf import duration_pb2

from . import errors
from ._gen.vigil.v1 import heartbeat_pb2, metrics_pb2, router_pb2

log = logging.getLogger("vigil_client")

DEFAULT_ADDRESS = "127.0.0.1:7070"
# Vigil's own bounds (src/api/*.ts), applied here where a client would otherwise send a call that cannot pass.
MAX_MESSAGE = 4096
# A Record call carries at most this many points; Vigil's ingest is measured in 500-point batches.
MAX_BATCH = 500

Seconds = Union[float, int, datetime.timedelta]
Attributes = Optional[Mapping[str, str]]

# Reconnect quickly after Vigil restarts (grpc's default backoff grows to two minutes).
CHANNEL_OPTIONS: List[Tuple[str, int]] = [
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 2000),
]

_HEALTH = {
    "ok": heartbeat_pb2.HEALTH_OK,
    "degraded": heartbeat_pb2.HEALTH_DEGRADED,
    "failing": heartbeat_pb2.HEALTH_FAILING,
}
_PRIORITY = {
    "low": router_pb2.PRIORITY_LOW,
    "normal": router_pb2.PRIORITY_NORMAL,
    "high": router_pb2.PRIORITY_HIGH,
    "critical": router_pb2.PRIORITY_CRITICAL,
}
_PRIORITY_NAME = {v: k for k, v in _PRIORITY.items()}
_PRIORITY_NAME[router_pb2.PRIORITY_UNSPECIFIED] = "normal"
_STATE_NAME = {
    v: k[len("COMPONENT_STATE_") :] for k, v in heartbeat_pb2.ComponentState.items()
}

COUNTER = metrics_pb2.METRIC_KIND_COUNTER
UP_DOWN_COUNTER = metrics_pb2.METRIC_KIND_UP_DOWN_COUNTER
GAUGE = metrics_pb2.METRIC_KIND_GAUGE
HISTOGRAM = metrics_pb2.METRIC_KIND_HISTOGRAM

SIGNAL_START = heartbeat_pb2.SIGNAL_START
SIGNAL_SUCCESS = heartbeat_pb2.SIGNAL_SUCCESS
SIGNAL_FAIL = heartbeat_pb2.SIGNAL_FAIL


def resolve_address(address: Optional[str]) -> str:
    return address or os.environ.get("VIGIL_ADDRESS") or DEFAULT_ADDRESS


def call_metadata(token: Optional[str], client_id: Optional[str]) -> Tuple[Tuple[str, str], ...]:
    token = token if token is not None else os.environ.get("VIGIL_TOKEN")
    md: List[Tuple[str, str]] = []
    if token:
        md.append(("authorization", f"Bearer {token}"))
    if client_id:
        md.append(("vigil-client", client_id))
    return tuple(md)


def seconds_of(value: Seconds, what: str) -> float:
    s = value.total_seconds() if isinstance(value, datetime.timedelta) else float(value)
    if not s > 0 or s == float("inf"):
        raise ValueError(f"{what} must be a positive number of seconds, got {value!r}")
    return s


def duration(value: Optional[Seconds], what: str) -> Optional[duration_pb2.Duration]:
    if value is None:
        return None
    s = seconds_of(value, what)
    whole = int(s)
    return duration_pb2.Duration(seconds=whole, nanos=int(round((s - whole) * 1e9)) % 1_000_000_000)


def health_of(health: str) -> int:
    h = _HEALTH.get(str(health).lower())
    if h is None:
        raise ValueError(f"health must be one of ok, degraded, failing; got {health!r}")
    return h


def priority_of(priority: str) -> int:
    p = _PRIORITY.get(str(priority).lower())
    if p is None:
        raise ValueError(f"priority must be one of low, normal, high, critical; got {priority!r}")
    return p


def state_name(state: int) -> str:
    return _STATE_NAME.get(state, "UNSPECIFIED")


def bounded_message(text: str) -> str:
    # Vigil refuses a longer message outright; a job's failure text is worth sending cut short.
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def beat_request(
    component: str,
    *,
    health: str = "ok",
    message: str = "",
    interval: Optional[Seconds] = None,
    grace: Optional[Seconds] = None,
    attributes: Attributes = None,
    signal: int = heartbeat_pb2.SIGNAL_UNSPECIFIED,
    run_id: str = "",
) -> heartbeat_pb2.BeatRequest:
    return heartbeat_pb2.BeatRequest(
        component=component,
        health=health_of(health),
        message=message,
        interval=duration(interval, "interval"),
        grace=duration(grace, "grace"),
        attributes=dict(attributes) if attributes else None,
        signal=signal,
        run_id=run_id,
    )


def publish_request(
    topic: str,
    payload: Union[bytes, str],
    *,
    content_type: Optional[str],
    attributes: Attributes,
    priority: str,
    idempotency_key: Optional[str],
    ttl: Optional[Seconds],
) -> router_pb2.PublishRequest:
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    elif not isinstance(payload, (bytes, bytearray, memoryview)):
        raise TypeError(f"payload must be bytes or str, not {type(payload).__name__}")
    return router_pb2.PublishRequest(
        topic=topic,
        payload=bytes(payload),
        content_type=content_type or "",
        attributes=dict(attributes) if attributes else None,
        priority=priority_of(priority),
        # Made once per publish and kept across its retries: an answer lost in a restart is then
        # answered `duplicate` instead of storing the message twice.
        idempotency_key=idempotency_key or uuid.uuid4().hex,
        ttl=duration(ttl, "ttl"),
    )


def new_run_id() -> str:
    return uuid.uuid4().hex


def backoff(attempt: int, initial: float = 0.1, maximum: float = 2.0) -> float:
    """Exponential backoff with jitter: half the cap plus up to another half."""
    cap = min(maximum, initial * (2 ** min(attempt, 20)))
    return cap / 2 + random.random() * cap / 2


# Vigil's bounds on one PublishBatch call (src/api/router-api.ts): messages, and payload bytes kept well
# inside server.grpc.max_message_bytes (4 MiB by default); a bigger message goes alone.
MAX_PUBLISH_BATCH = 500
MAX_PUBLISH_BATCH_BYTES = 1 << 20


def batch_size(outbox: List["PendingPublish"], maximum: int) -> int:
    """How many of the first waiting publishes go in the next call (at least one)."""
    n = 0
    size = 0
    for p in outbox:
        b = len(p.req.payload)
        if n >= maximum or (n > 0 and size + b > MAX_PUBLISH_BATCH_BYTES):
            break
        n += 1
        size += b
    return n


class PendingPublish:
    """One attempt of one publish, waiting for its PublishBatch call (sync: ``event``; asyncio: ``future``)."""

    __slots__ = ("req", "until", "event", "future", "result", "error", "lead")

    def __init__(self, req: router_pb2.PublishRequest, until: float) -> None:
        self.req = req
        self.until = until
        self.event: Optional[threading.Event] = None
        self.future: object = None
        self.result: Optional["PublishResult"] = None
        self.error: Optional[BaseException] = None
        # Sync only: set (with the event) when this publish's thread is to send the next call.
        self.lead = False


def call_timeout(batch: List[PendingPublish], now: float, limit: float) -> float:
    """A call's timeout: the latest of its publishes' own deadlines, bounded by ``limit``."""
    latest = max(p.until for p in batch)
    return max(0.05, min(limit, latest - now))


def answer_batch(batch: List[PendingPublish], response: router_pb2.PublishBatchResponse) -> None:
    """Sets each publish's result, or the error of a message refused alone, from a PublishBatch answer."""
    results = response.results
    for i, p in enumerate(batch):
        if i >= len(results):
            p.error = errors.from_publish_result(
                "VIGIL_ERR_SERVER_INTERNAL", "no result for this message in Vigil's answer", True
            )
            continue
        r = results[i]
        if r.code:
            p.error = errors.from_publish_result(r.code, r.message, r.retryable)
        else:
            p.result = PublishResult(message_id=r.message_id, duplicate=r.duplicate, routed=r.routed)


@dataclass(frozen=True)
class ClientStats:
    """The client's own publish counters (``Vigil.stats`` / ``AsyncVigil.stats``)."""

    #: Publish calls made (PublishBatch, or Publish against a Vigil without it), retries included.
    publish_calls: int
    #: Messages those calls carried; ``published_messages / publish_calls`` is the mean batch size.
    published_messages: int
    #: Publish attempts repeated after a retryable failure.
    publish_retries: int


@dataclass(frozen=True)
class PublishResult:
    """Vigil's answer to a publish: the message is durable on disk."""

    message_id: str
    duplicate: bool
    routed: int


@dataclass
class DeliveryData:
    """The fields of a delivery (see Delivery / AsyncDelivery for ack and nack)."""

    message_id: str
    topic: str
    payload: bytes
    content_type: str
    attributes: Dict[str, str]
    priority: str
    attempt: int
    traceparent: str
    idempotency_key: str
    published_at: Optional[datetime.datetime]
    destination: str = field(repr=False, default="")

    @property
    def text(self) -> str:
        """The payload decoded as UTF-8."""
        return self.payload.decode("utf-8")


def delivery_fields(d: router_pb2.Delivery, destination: str) -> dict:
    published = (
        d.published_at.ToDatetime(tzinfo=datetime.timezone.utc) if d.HasField("published_at") else None
    )
    return {
        "message_id": d.message_id,
        "topic": d.topic,
        "payload": d.payload,
        "content_type": d.content_type,
        "attributes": dict(d.attributes),
        "priority": _PRIORITY_NAME.get(d.priority, "normal"),
        "attempt": d.attempt,
        "traceparent": d.traceparent,
        "idempotency_key": d.idempotency_key,
        "published_at": published,
        "destination": destination,
    }


class OncePerReason:
    """Logs a warning the first time each reason is seen; bounded, so a stream of new reasons costs no memory."""

    def __init__(self, limit: int = 1000) -> None:
        self._seen: set = set()
        self._limit = limit
        self._lock = threading.Lock()

    def warn(self, reason: str, text: str, *args: object) -> None:
        with self._lock:
            if reason in self._seen:
                return
            if len(self._seen) < self._limit:
                self._seen.add(reason)
        log.warning(text, *args)


class PointBuffer:
    """Metric points waiting to be sent: bounded (oldest dropped, counted, logged once), thread-safe.

    Points are kept as tuples and become protobuf messages only when a batch is sent, so recording one
    costs an append (the hot path of a bot's metrics).
    """

    def __init__(self, limit: int, once: OncePerReason) -> None:
        self._points: List[tuple] = []
        self._lock = threading.Lock()
        self._limit = limit
        self._once = once
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._points)

    def add(self, point: tuple) -> int:
        # The hot path of a bot's metrics: a bare append (atomic under the GIL, and take() removes only
        # what it copied), the lock only when the bound is passed. Measured: the lock on every add cost
        # ~10 % of counter() throughput (bench/python-client.bench.ts).
        points = self._points
        points.append(point)
        n = len(points)
        if n > self._limit:
            with self._lock:
                over = len(points) - self._limit
                if over > 0:
                    del points[:over]
                    self.dropped += over
                n = len(points)
            self._once.warn(
                "buffer-full",
                "vigil_client: %d metric points are waiting for Vigil; dropping the oldest",
                self._limit,
            )
        return n

    def take(self) -> List[tuple]:
        with self._lock:
            batch = self._points[:MAX_BATCH]
            del self._points[:MAX_BATCH]
            return batch

    def put_back(self, batch: List[tuple]) -> None:
        with self._lock:
            self._points[:0] = batch
            over = len(self._points) - self._limit
            if over > 0:
                del self._points[:over]
                self.dropped += over


def record_request(batch: List[tuple]) -> metrics_pb2.RecordRequest:
    points = [
        metrics_pb2.MetricPoint(
            name=name, kind=kind, value=value, unit=unit, description=description, attributes=attributes
        )
        for (name, kind, value, attributes, unit, description) in batch
    ]
    return metrics_pb2.RecordRequest(points=points)


def report_rejections(response: metrics_pb2.RecordResponse, batch: List[tuple], once: OncePerReason) -> None:
    for r in response.rejected:
        name = batch[r.index][0] if r.index < len(batch) else "?"
        once.warn(
            f"{r.code}:{name}",
            "vigil_client: Vigil rejected metric point %r (%s): %s",
            name,
            r.code or "rejected",
            r.reason,
        )


def point(
    name: str, kind: int, value: float, attributes: Attributes, unit: str, description: str
) -> tuple:
    return (name, kind, float(value), dict(attributes) if attributes else None, unit, description)
