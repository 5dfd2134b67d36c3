"""The blocking client, on grpcio's sync API (threads for the heartbeat loop and the metrics flusher)."""

from __future__ import annotations

import functools
import threading
import time
from types import SimpleNamespace, TracebackType
from typing import Any, Callable, Iterator, List, Optional, Set, Type, TypeVar, Union, cast

import grpc

from . import _common as c
from ._gen.vigil.v1 import (
    admin_pb2_grpc,
    alert_pb2_grpc,
    heartbeat_pb2,
    heartbeat_pb2_grpc,
    metrics_pb2_grpc,
    router_pb2,
    router_pb2_grpc,
)
from .errors import VigilError, from_rpc_error

F = TypeVar("F", bound=Callable[..., Any])


class Vigil:
    """A connection to Vigil: beats, jobs, metrics, publish and subscribe.

    ``address`` defaults to ``VIGIL_ADDRESS``, else ``127.0.0.1:7070``; ``token`` to ``VIGIL_TOKEN`` (sent
    as ``authorization: Bearer …``); ``client_id`` is sent as the ``vigil-client`` metadata entry (Vigil's
    per-client limits tell processes apart by it when no tokens are configured).

    Every call waits for the channel while Vigil restarts, up to ``call_timeout`` seconds; a publish keeps
    retrying (with one idempotency key) up to ``publish_timeout`` seconds. Thread-safe.
    """

    def __init__(
        self,
        address: Optional[str] = None,
        token: Optional[str] = None,
        client_id: Optional[str] = None,
        *,
        publish_timeout: float = 30.0,
        call_timeout: float = 5.0,
        flush_interval: float = 1.0,
        max_buffered_points: int = 10_000,
    ) -> None:
        self.address = c.resolve_address(address)
        self._metadata = c.call_metadata(token, client_id)
        self._publish_timeout = float(publish_timeout)
        self._call_timeout = float(call_timeout)
        self._flush_interval = float(flush_interval)
        self._channel = grpc.insecure_channel(self.address, options=c.CHANNEL_OPTIONS)
        #: The generated stubs on the same channel, for calls this client has no method for.
        self.stubs = SimpleNamespace(
            heartbeat=heartbeat_pb2_grpc.HeartbeatServiceStub(self._channel),
            metrics=metrics_pb2_grpc.MetricsServiceStub(self._channel),
            router=router_pb2_grpc.RouterServiceStub(self._channel),
            alerts=alert_pb2_grpc.AlertServiceStub(self._channel),
            admin=admin_pb2_grpc.AdminServiceStub(self._channel),
        )
        self.metadata = self._metadata
        self._beat = self.stubs.heartbeat.Beat
        self._once = c.OncePerReason()
        self._points = c.PointBuffer(max_buffered_points, self._once)
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._is_closed = False  # the same as _closed, cheaper to read on the metrics hot path
        self._heartbeats: Set[Heartbeat] = set()
        self._subscriptions: Set[Subscription] = set()
        self._lock = threading.Lock()
        self._flusher: Optional[threading.Thread] = None
        # Adaptive publish batching (see publish): the waiting publishes, and whether a call is in flight.
        self._publish_lock = threading.Lock()
        self._outbox: List[c.PendingPublish] = []
        self._publish_in_flight = False
        self._no_publish_batch = False
        self._publish_calls = 0
        self._published_messages = 0
        self._publish_retries = 0

    # -- lifecycle -------------------------------------------------------------------------------------

    def __enter__(self) -> "Vigil":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stops heartbeats and subscriptions, sends buffered metric points (best effort), closes the channel."""
        if self._closed.is_set():
            return
        with self._lock:
            heartbeats, subs = list(self._heartbeats), list(self._subscriptions)
        for h in heartbeats:
            h.stop()
        for s in subs:
            s.close()
        try:
            self._flush(raise_errors=False)
        finally:
            self._is_closed = True
            self._closed.set()
            self._wake.set()
            if self._flusher is not None:
                self._flusher.join(timeout=self._call_timeout)
            self._channel.close()

    def _check_open(self) -> None:
        if self._closed.is_set():
            raise VigilError("the client is closed")

    # -- heartbeats and jobs ---------------------------------------------------------------------------

    def beat(
        self,
        component: str,
        *,
        health: str = "ok",
        message: str = "",
        interval: Optional[c.Seconds] = None,
        grace: Optional[c.Seconds] = None,
        attributes: c.Attributes = None,
    ) -> str:
        """Sends one heartbeat; returns the component's state (``"UP"``, ``"LATE"``, …)."""
        req = c.beat_request(
            component, health=health, message=message, interval=interval, grace=grace, attributes=attributes
        )
        return c.state_name(self._unary(self._beat, req).state)

    def heartbeat(self, component: str, every: float = 30.0, **beat_kwargs: Any) -> "Heartbeat":
        """Beats now and then every ``every`` seconds from a daemon thread, until ``.stop()`` or ``close()``.

        The beat's ``interval`` defaults to ``every``, so Vigil expects exactly this cadence. A beat that
        fails is logged (once per reason) and the loop goes on.
        """
        self._check_open()
        every = c.seconds_of(every, "every")
        beat_kwargs.setdefault("interval", every)
        req = c.beat_request(component, **beat_kwargs)  # bad arguments fail here, not in the thread
        h = Heartbeat(self, component, every, req)
        with self._lock:
            self._heartbeats.add(h)
        h._start()
        return h

    def job(
        self,
        component: str,
        *,
        interval: Optional[c.Seconds] = None,
        grace: Optional[c.Seconds] = None,
        attributes: c.Attributes = None,
    ) -> "Job":
        """A job run, as ``with v.job("nightly"):`` or ``@v.job("nightly")``.

        Sends START (with a new run id) before, SUCCESS after, or FAIL with the exception's text when the
        body raises (the exception is re-raised). When Vigil cannot be reached the job still runs; the
        failed beat is logged.
        """
        return Job(self, component, interval=interval, grace=grace, attributes=attributes)

    def _job_beat(self, req: heartbeat_pb2.BeatRequest) -> None:
        try:
            self._unary(self._beat, req)
        except VigilError as e:
            if not e.retryable:
                raise
            self._once.warn(f"job:{e.vigil_code or e.code}", "vigil_client: job beat not sent: %s", e)

    # -- metrics ---------------------------------------------------------------------------------------

    def counter(
        self,
        name: str,
        value: float = 1,
        attributes: c.Attributes = None,
        *,
        unit: str = "",
        description: str = "",
    ) -> None:
        """Adds ``value`` (≥ 0) to a counter. Buffered: sent within a second, or at 500 points."""
        # The tuple is built inline (no helper call): this is the metrics hot path.
        self._record((name, c.COUNTER, float(value), dict(attributes) if attributes else None, unit, description))

    def up_down_counter(
        self,
        name: str,
        value: float = 1,
        attributes: c.Attributes = None,
        *,
        unit: str = "",
        description: str = "",
    ) -> None:
        """Adds ``value`` (may be negative) to an up-down counter. Buffered."""
        self._record((name, c.UP_DOWN_COUNTER, float(value), dict(attributes) if attributes else None, unit, description))

    def gauge(
        self,
        name: str,
        value: float = 1,
        attributes: c.Attributes = None,
        *,
        unit: str = "",
        description: str = "",
    ) -> None:
        """Sets a gauge to ``value``. Buffered."""
        self._record((name, c.GAUGE, float(value), dict(attributes) if attributes else None, unit, description))

    def histogram(
        self,
        name: str,
        value: float = 1,
        attributes: c.Attributes = None,
        *,
        unit: str = "",
        description: str = "",
    ) -> None:
        """Records ``value`` in a histogram (bucket boundaries are Vigil's, by unit and name). Buffered."""
        self._record((name, c.HISTOGRAM, float(value), dict(attributes) if attributes else None, unit, description))

    def _record(self, p: tuple) -> None:
        if self._is_closed:
            raise VigilError("the client is closed")
        # Wake the flusher each time another full batch is waiting (not on every point: Event.set takes
        # a lock); it drains the whole buffer once awake.
        if self._points.add(p) % c.MAX_BATCH == 0:
            self._wake.set()
        if self._flusher is None:
            self._start_flusher()

    def _start_flusher(self) -> None:
        with self._lock:
            if self._flusher is None and not self._closed.is_set():
                t = threading.Thread(target=self._flush_loop, name="vigil-metrics", daemon=True)
                t.start()
                self._flusher = t

    def _flush_loop(self) -> None:
        while not self._closed.is_set():
            self._wake.wait(self._flush_interval)
            self._wake.clear()
            if self._closed.is_set():
                return
            self._flush(raise_errors=False)

    def flush(self) -> None:
        """Sends every buffered metric point now; raises VigilError when Vigil cannot be reached (the points
        stay buffered and go with the next flush)."""
        self._flush(raise_errors=True)

    def _flush(self, raise_errors: bool) -> None:
        # One flush at a time: the background loop and flush() share the buffer.
        with self._flush_lock:
            while len(self._points) > 0:
                batch = self._points.take()
                try:
                    res = self._unary(self.stubs.metrics.Record, c.record_request(batch))
                except VigilError as e:
                    if e.retryable:
                        self._points.put_back(batch)
                        if raise_errors:
                            raise
                        self._once.warn(
                            f"flush:{e.vigil_code or e.code}", "vigil_client: metric points not sent yet: %s", e
                        )
                        return
                    # Vigil refused the whole call (e.g. too large): these points would never pass.
                    self._points.dropped += len(batch)
                    self._once.warn(
                        f"flush:{e.vigil_code}", "vigil_client: %d metric points dropped: %s", len(batch), e
                    )
                    if raise_errors:
                        raise
                    continue
                if res.rejected:
                    c.report_rejections(res, batch, self._once)

    @property
    def dropped_points(self) -> int:
        """Metric points dropped so far (buffer full while Vigil was away, or refused by Vigil)."""
        return self._points.dropped

    # -- router ----------------------------------------------------------------------------------------

    def publish(
        self,
        topic: str,
        payload: Union[bytes, str],
        *,
        content_type: Optional[str] = None,
        attributes: c.Attributes = None,
        priority: str = "normal",
        idempotency_key: Optional[str] = None,
        ttl: Optional[c.Seconds] = None,
    ) -> c.PublishResult:
        """Publishes one message; returns once Vigil has it on disk.

        While Vigil is unavailable (restarting, a full queue, a rate limit) the same request — with the same
        idempotency key, generated when none is given — is sent again with backoff, for up to
        ``publish_timeout`` seconds; then the last error is raised.

        Publishes go out through PublishBatch, batched adaptively: an idle client sends a publish at once (a
        call of one message); while a call is in flight, the publishes of other threads wait and go together
        in the next call, so a busy client pays one call (and Vigil one commit) per batch. No linger: a lone
        publish never waits for company. A message Vigil refuses alone fails only its own publish. Against a
        Vigil without PublishBatch (UNIMPLEMENTED) each message goes by Publish.
        """
        self._check_open()
        req = c.publish_request(
            topic,
            payload,
            content_type=content_type,
            attributes=attributes,
            priority=priority,
            idempotency_key=idempotency_key,
            ttl=ttl,
        )
        until = time.monotonic() + self._publish_timeout
        attempt = 0
        while True:
            try:
                return self._publish_once(req, until)
            except VigilError as e:
                if not e.retryable or self._closed.is_set():
                    raise
                wait = max(e.retry_after or 0.0, c.backoff(attempt))
                if time.monotonic() + wait >= until:
                    raise
                attempt += 1
                with self._publish_lock:
                    self._publish_retries += 1
                self._closed.wait(wait)

    def _publish_once(self, req: router_pb2.PublishRequest, until: float) -> c.PublishResult:
        """One attempt: queued for the next call; this thread sends that call itself when none is in flight
        (no sender thread, so an idle publish costs no thread hop), else waits for its answer — or for its
        turn to send the next call, handed over by the thread whose call just ended."""
        p = c.PendingPublish(req, until)
        p.event = threading.Event()
        with self._publish_lock:
            self._outbox.append(p)
            lead = not self._publish_in_flight
            self._publish_in_flight = True
        while True:
            if lead:
                p.lead = False
                p.event.clear()
                self._send_publishes()
            if p.result is not None or p.error is not None:
                break
            # Not answered yet: another thread's call carries it, or (after an UNIMPLEMENTED) it is
            # queued again and this thread may be handed the next call.
            p.event.wait()
            lead = p.lead
        if p.error is not None:
            raise p.error
        assert p.result is not None
        return p.result

    def _send_publishes(self) -> None:
        """Sends one call with what waits (the calling thread's own publish first), answers its publishes,
        then hands the next call to the first publish still waiting, or marks the client idle."""
        with self._publish_lock:
            no_batch = self._no_publish_batch
            n = c.batch_size(self._outbox, 1 if no_batch else c.MAX_PUBLISH_BATCH)
            batch = self._outbox[:n]
            del self._outbox[:n]
            self._publish_calls += 1
            self._published_messages += n
        requeue = False
        try:
            timeout = c.call_timeout(batch, time.monotonic(), self._call_timeout)
            if no_batch:
                p = batch[0]
                try:
                    r = self._unary(self.stubs.router.Publish, p.req, timeout=timeout)
                    p.result = c.PublishResult(message_id=r.message_id, duplicate=r.duplicate, routed=r.routed)
                except VigilError as e:
                    p.error = e
            else:
                try:
                    c.answer_batch(
                        batch,
                        self._unary(
                            self.stubs.router.PublishBatch,
                            router_pb2.PublishBatchRequest(messages=[p.req for p in batch]),
                            timeout=timeout,
                        ),
                    )
                except VigilError as e:
                    if e.code == grpc.StatusCode.UNIMPLEMENTED:
                        requeue = True
                    else:
                        for p in batch:
                            p.error = e
        except BaseException as e:  # never leave a waiting publish without an answer
            for p in batch:
                if p.result is None and p.error is None:
                    p.error = VigilError(f"publish not sent: {e}")
            raise
        finally:
            with self._publish_lock:
                if requeue:
                    # A Vigil from before PublishBatch: the same messages again, one Publish each.
                    self._no_publish_batch = True
                    self._outbox[:0] = batch
                else:
                    for p in batch:
                        if p.event is not None:
                            p.event.set()
                if self._outbox:
                    nxt = self._outbox[0]
                    nxt.lead = True
                    if nxt.event is not None:
                        nxt.event.set()
                else:
                    self._publish_in_flight = False

    @property
    def stats(self) -> c.ClientStats:
        """The client's publish counters: calls made and messages they carried (their ratio is the batch
        size), and retries."""
        with self._publish_lock:
            return c.ClientStats(
                publish_calls=self._publish_calls,
                published_messages=self._published_messages,
                publish_retries=self._publish_retries,
            )

    def subscribe(
        self, destination: str, max_in_flight: int = 16, *, batches: bool = False, max_batch: int = 0
    ) -> "Subscription":
        """Deliveries of a subscriber destination, as ``for d in v.subscribe("orders"):`` … ``d.ack()``.

        At most ``max_in_flight`` deliveries are un-acked at once. When the stream drops (Vigil restarting)
        it is opened again; un-acked deliveries come again (at-least-once, ``attempt`` counts). Ends on
        ``.close()`` or ``v.close()``; an unknown destination raises NotFoundError.

        ``batches=True`` consumes through SubscribeBatches: several deliveries per stream message (what is
        ready, up to ``max_batch``, 0 = Vigil's default of 256; never held back to fill a batch), fewer
        stream messages for a busy destination. The iteration still yields one delivery at a time.
        """
        self._check_open()
        s = Subscription(self, destination, max_in_flight, batches, max_batch)
        with self._lock:
            self._subscriptions.add(s)
        return s

    def _ack(self, destination: str, message_id: str, ack: bool) -> bool:
        req = router_pb2.AckRequest(
            destination=destination,
            message_ids=[message_id] if ack else [],
            nack_ids=[] if ack else [message_id],
        )
        try:
            r = self._unary(self.stubs.router.Ack, req)
        except VigilError as e:
            if not e.retryable:
                raise
            # Vigil is away: it redelivers the message once it is back (at-least-once), so nothing is lost.
            self._once.warn(f"ack:{e.vigil_code or e.code}", "vigil_client: ack not sent: %s", e)
            return False
        return (r.acked if ack else r.nacked) == 1

    # -- plumbing --------------------------------------------------------------------------------------

    def _unary(self, method: Any, req: Any, timeout: Optional[float] = None) -> Any:
        try:
            return method(
                req,
                timeout=self._call_timeout if timeout is None else timeout,
                metadata=self._metadata,
                wait_for_ready=True,
            )
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None


class Heartbeat:
    """A running ``Vigil.heartbeat`` loop; ``stop()`` ends it (and deregisters nothing: the component just
    stops beating)."""

    def __init__(self, vigil: Vigil, component: str, every: float, req: heartbeat_pb2.BeatRequest) -> None:
        self.component = component
        self.every = every
        self.beats = 0
        self.last_state: Optional[str] = None
        self._vigil = vigil
        self._req = req
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"vigil-heartbeat-{component}", daemon=True)

    def _start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        v = self._vigil
        while not self._stop.is_set():
            try:
                self.last_state = c.state_name(v._unary(v._beat, self._req).state)
                self.beats += 1
            except VigilError as e:
                v._once.warn(
                    f"heartbeat:{self.component}:{e.vigil_code or e.code}",
                    "vigil_client: heartbeat of %s failed: %s",
                    self.component,
                    e,
                )
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=self._vigil._call_timeout + 1)
        with self._vigil._lock:
            self._vigil._heartbeats.discard(self)

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()


class Job:
    """``with v.job(name):`` or ``@v.job(name)``: each run gets its own run id."""

    def __init__(self, vigil: Vigil, component: str, **kwargs: Any) -> None:
        self._vigil = vigil
        self.component = component
        self._kwargs = kwargs
        c.beat_request(component, **kwargs)  # bad arguments fail at once
        self._runs: List[str] = []
        self._lock = threading.Lock()

    @property
    def run_id(self) -> Optional[str]:
        """The run id of the innermost run in progress."""
        with self._lock:
            return self._runs[-1] if self._runs else None

    def __enter__(self) -> "Job":
        run_id = c.new_run_id()
        with self._lock:
            self._runs.append(run_id)
        self._vigil._job_beat(
            c.beat_request(self.component, signal=c.SIGNAL_START, run_id=run_id, **self._kwargs)
        )
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        with self._lock:
            run_id = self._runs.pop() if self._runs else c.new_run_id()
        if exc is None:
            req = c.beat_request(self.component, signal=c.SIGNAL_SUCCESS, run_id=run_id, **self._kwargs)
        else:
            req = c.beat_request(
                self.component,
                health="failing",
                signal=c.SIGNAL_FAIL,
                run_id=run_id,
                message=c.bounded_message(str(exc) or type(exc).__name__),
                **self._kwargs,
            )
        try:
            self._vigil._job_beat(req)
        except VigilError:
            if exc is None:
                raise
            # The body's own exception matters more than the failed report; it propagates.

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with Job(self._vigil, self.component, **self._kwargs):
                return fn(*args, **kwargs)

        return cast(F, run)


class Delivery(c.DeliveryData):
    """One message from ``Vigil.subscribe``: ``ack()`` when handled, ``nack()`` to have it redelivered."""

    _vigil: Vigil

    def ack(self) -> bool:
        """Acknowledges the delivery; False when Vigil did not take it (it will come again)."""
        return self._vigil._ack(self.destination, self.message_id, True)

    def nack(self) -> bool:
        """Hands the delivery back for redelivery."""
        return self._vigil._ack(self.destination, self.message_id, False)


class Subscription:
    """An iterator over deliveries that re-opens its stream after Vigil restarts."""

    def __init__(
        self, vigil: Vigil, destination: str, max_in_flight: int, batches: bool = False, max_batch: int = 0
    ) -> None:
        if not 1 <= int(max_in_flight) <= 10_000:
            raise ValueError(f"max_in_flight must be between 1 and 10000, got {max_in_flight!r}")
        if not 0 <= int(max_batch) <= 1000:
            raise ValueError(f"max_batch must be between 0 (Vigil's default) and 1000, got {max_batch!r}")
        self.destination = destination
        self._vigil = vigil
        self._batches = bool(batches)
        self._req: Any = (
            router_pb2.SubscribeBatchesRequest(
                destination=destination, max_in_flight=int(max_in_flight), max_batch=int(max_batch)
            )
            if self._batches
            else router_pb2.SubscribeRequest(destination=destination, max_in_flight=int(max_in_flight))
        )
        self._closed = threading.Event()
        self._call: Any = None
        self._lock = threading.Lock()
        #: How many times the stream was opened again after a drop.
        self.reconnects = 0

    def __iter__(self) -> Iterator[Delivery]:
        return self._deliveries()

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Ends the iteration (from any thread)."""
        self._closed.set()
        with self._lock:
            call = self._call
        if call is not None:
            call.cancel()
        with self._vigil._lock:
            self._vigil._subscriptions.discard(self)

    def _deliveries(self) -> Iterator[Delivery]:
        v = self._vigil
        attempt = 0
        opened = False
        while not self._closed.is_set():
            method = v.stubs.router.SubscribeBatches if self._batches else v.stubs.router.Subscribe
            call = method(self._req, metadata=v._metadata, wait_for_ready=True)
            with self._lock:
                self._call = call
            if self._closed.is_set():
                call.cancel()
                return
            if opened:
                self.reconnects += 1
            opened = True
            try:
                for m in call:
                    attempt = 0
                    for d in m.deliveries if self._batches else (m,):
                        delivery = Delivery(**c.delivery_fields(d, self.destination))
                        delivery._vigil = v
                        yield delivery
                # The stream ended without an error (Vigil draining): open it again.
            except grpc.RpcError as e:
                if self._closed.is_set():
                    return
                err = from_rpc_error(e)
                if not err.retryable and err.code != grpc.StatusCode.CANCELLED:
                    raise err from None
                v._once.warn(
                    f"subscribe:{self.destination}:{err.vigil_code or err.code}",
                    "vigil_client: subscription to %s dropped, opening it again: %s",
                    self.destination,
                    err,
                )
            finally:
                with self._lock:
                    self._call = None
            self._closed.wait(c.backoff(attempt, 0.1, 2.0))
            attempt += 1
