"""The asyncio client, on ``grpc.aio``: the same methods as ``vigil_client.Vigil``, as coroutines.

    async with AsyncVigil() as v:
        await v.beat("worker")
        v.counter("orders.processed")          # buffering never blocks; `await v.counter(…)` works too
        await v.publish("orders.created", b"{}")
        async for d in v.subscribe("consumers"):
            await d.ack()
"""

from __future__ import annotations

import asyncio
import functools
from types import SimpleNamespace, TracebackType
from typing import Any, AsyncIterator, Awaitable, Callable, Generator, List, Optional, Set, Type, TypeVar, Union, cast

import grpc
import grpc.aio

from . import _common as c
from ._common import PublishResult
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

__all__ = ["AsyncVigil", "AsyncDelivery", "AsyncHeartbeat", "AsyncJob", "AsyncSubscription", "PublishResult"]

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


class _Done:
    """What the buffering methods return: nothing to wait for, yet ``await`` on it is allowed, so
    ``v.counter(…)`` and ``await v.counter(…)`` both record the point exactly once."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return iter(())


_DONE = _Done()


class AsyncVigil:
    """``vigil_client.Vigil`` for asyncio; see there for the arguments. Use it from one event loop."""

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
        self._channel = grpc.aio.insecure_channel(self.address, options=c.CHANNEL_OPTIONS)
        self.stubs = SimpleNamespace(
            heartbeat=heartbeat_pb2_grpc.HeartbeatServiceStub(self._channel),
            metrics=metrics_pb2_grpc.MetricsServiceStub(self._channel),
            router=router_pb2_grpc.RouterServiceStub(self._channel),
            alerts=alert_pb2_grpc.AlertServiceStub(self._channel),
            admin=admin_pb2_grpc.AdminServiceStub(self._channel),
        )
        self.metadata = self._metadata
        self._once = c.OncePerReason()
        self._points = c.PointBuffer(max_buffered_points, self._once)
        self._flush_lock: Optional[asyncio.Lock] = None
        self._wake: Optional[asyncio.Event] = None
        self._flusher: Optional[asyncio.Task] = None
        self._closed = False
        self._heartbeats: Set[AsyncHeartbeat] = set()
        self._subscriptions: Set[AsyncSubscription] = set()
        # Adaptive publish batching (see publish): the waiting publishes and the task sending them.
        self._outbox: List[c.PendingPublish] = []
        self._sender: Optional[asyncio.Task] = None
        self._no_publish_batch = False
        self._publish_calls = 0
        self._published_messages = 0
        self._publish_retries = 0

    async def __aenter__(self) -> "AsyncVigil":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stops heartbeats and subscriptions, sends buffered points (best effort), closes the channel."""
        if self._closed:
            return
        for h in list(self._heartbeats):
            await h.stop()
        for s in list(self._subscriptions):
            s.close()
        try:
            await self._flush(raise_errors=False)
        finally:
            self._closed = True
            if self._flusher is not None:
                self._flusher.cancel()
                try:
                    await self._flusher
                except (asyncio.CancelledError, Exception):
                    pass
            await self._channel.close()

    def _check_open(self) -> None:
        if self._closed:
            raise VigilError("the client is closed")

    # -- heartbeats and jobs ---------------------------------------------------------------------------

    async def beat(
        self,
        component: str,
        *,
        health: str = "ok",
        message: str = "",
        interval: Optional[c.Seconds] = None,
        grace: Optional[c.Seconds] = None,
        attributes: c.Attributes = None,
    ) -> str:
        req = c.beat_request(
            component, health=health, message=message, interval=interval, grace=grace, attributes=attributes
        )
        return c.state_name((await self._unary(self.stubs.heartbeat.Beat, req)).state)

    def heartbeat(self, component: str, every: float = 30.0, **beat_kwargs: Any) -> "AsyncHeartbeat":
        """Beats now and every ``every`` seconds from a task; ``await handle.stop()`` ends it. The handle
        may be awaited (``h = await v.heartbeat(…)``) like the other methods."""
        self._check_open()
        every = c.seconds_of(every, "every")
        beat_kwargs.setdefault("interval", every)
        h = AsyncHeartbeat(self, component, every, c.beat_request(component, **beat_kwargs))
        self._heartbeats.add(h)
        return h

    def job(
        self,
        component: str,
        *,
        interval: Optional[c.Seconds] = None,
        grace: Optional[c.Seconds] = None,
        attributes: c.Attributes = None,
    ) -> "AsyncJob":
        """``async with v.job("nightly"):`` or ``@v.job("nightly")`` on a coroutine function."""
        return AsyncJob(self, component, interval=interval, grace=grace, attributes=attributes)

    async def _job_beat(self, req: heartbeat_pb2.BeatRequest) -> None:
        try:
            await self._unary(self.stubs.heartbeat.Beat, req)
        except VigilError as e:
            if not e.retryable:
                raise
            self._once.warn(f"job:{e.vigil_code or e.code}", "vigil_client: job beat not sent: %s", e)

    # -- metrics ---------------------------------------------------------------------------------------

    def counter(
        self, name: str, value: float = 1, attributes: c.Attributes = None, *, unit: str = "", description: str = ""
    ) -> _Done:
        return self._record(c.point(name, c.COUNTER, value, attributes, unit, description))

    def up_down_counter(
        self, name: str, value: float = 1, attributes: c.Attributes = None, *, unit: str = "", description: str = ""
    ) -> _Done:
        return self._record(c.point(name, c.UP_DOWN_COUNTER, value, attributes, unit, description))

    def gauge(
        self, name: str, value: float = 1, attributes: c.Attributes = None, *, unit: str = "", description: str = ""
    ) -> _Done:
        return self._record(c.point(name, c.GAUGE, value, attributes, unit, description))

    def histogram(
        self, name: str, value: float = 1, attributes: c.Attributes = None, *, unit: str = "", description: str = ""
    ) -> _Done:
        return self._record(c.point(name, c.HISTOGRAM, value, attributes, unit, description))

    def _record(self, p: tuple) -> _Done:
        self._check_open()
        n = self._points.add(p)
        if self._flusher is None:
            self._flush_lock = asyncio.Lock()
            self._wake = asyncio.Event()
            self._flusher = asyncio.get_running_loop().create_task(self._flush_loop())
        if n % c.MAX_BATCH == 0 and self._wake is not None:
            self._wake.set()
        return _DONE

    async def _flush_loop(self) -> None:
        assert self._wake is not None
        while not self._closed:
            try:
                await asyncio.wait_for(self._wake.wait(), self._flush_interval)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            try:
                await self._flush(raise_errors=False)
            except Exception as e:  # the loop never dies: log and go on
                self._once.warn(f"flush-loop:{type(e).__name__}", "vigil_client: metrics flush failed: %s", e)

    async def flush(self) -> None:
        await self._flush(raise_errors=True)

    async def _flush(self, raise_errors: bool) -> None:
        if self._flush_lock is None:
            self._flush_lock = asyncio.Lock()
        async with self._flush_lock:
            while len(self._points) > 0:
                batch = self._points.take()
                try:
                    res = await self._unary(self.stubs.metrics.Record, c.record_request(batch))
                except VigilError as e:
                    if e.retryable:
                        self._points.put_back(batch)
                        if raise_errors:
                            raise
                        self._once.warn(
                            f"flush:{e.vigil_code or e.code}", "vigil_client: metric points not sent yet: %s", e
                        )
                        return
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
        return self._points.dropped

    # -- router ----------------------------------------------------------------------------------------

    async def publish(
        self,
        topic: str,
        payload: Union[bytes, str],
        *,
        content_type: Optional[str] = None,
        attributes: c.Attributes = None,
        priority: str = "normal",
        idempotency_key: Optional[str] = None,
        ttl: Optional[c.Seconds] = None,
    ) -> PublishResult:
        """Publishes one message; returns once Vigil has it on disk (see ``Vigil.publish``).

        Batched adaptively like ``Vigil.publish``: the publishes of other tasks made while a call is in
        flight go together in the next PublishBatch call; an idle client's publish goes at once."""
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
        loop = asyncio.get_running_loop()
        until = loop.time() + self._publish_timeout
        attempt = 0
        while True:
            p = c.PendingPublish(req, until)
            fut: asyncio.Future = loop.create_future()
            p.future = fut
            self._outbox.append(p)
            if self._sender is None:
                self._sender = loop.create_task(self._send_publishes())
            try:
                return await fut
            except VigilError as e:
                if not e.retryable or self._closed:
                    raise
                wait = max(e.retry_after or 0.0, c.backoff(attempt))
                if loop.time() + wait >= until:
                    raise
                attempt += 1
                self._publish_retries += 1
                await asyncio.sleep(wait)

    async def _send_publishes(self) -> None:
        """The sender task, alive while publishes wait: one call at a time with what waits (see publish)."""
        loop = asyncio.get_running_loop()
        try:
            while self._outbox:
                no_batch = self._no_publish_batch
                n = c.batch_size(self._outbox, 1 if no_batch else c.MAX_PUBLISH_BATCH)
                batch = self._outbox[:n]
                del self._outbox[:n]
                self._publish_calls += 1
                self._published_messages += n
                timeout = c.call_timeout(batch, loop.time(), self._call_timeout)
                try:
                    if no_batch:
                        p = batch[0]
                        r = await self._unary(self.stubs.router.Publish, p.req, timeout=timeout)
                        p.result = PublishResult(message_id=r.message_id, duplicate=r.duplicate, routed=r.routed)
                    else:
                        c.answer_batch(
                            batch,
                            await self._unary(
                                self.stubs.router.PublishBatch,
                                router_pb2.PublishBatchRequest(messages=[p.req for p in batch]),
                                timeout=timeout,
                            ),
                        )
                except VigilError as e:
                    if e.code == grpc.StatusCode.UNIMPLEMENTED and not no_batch:
                        # A Vigil from before PublishBatch: the same messages again, one Publish each.
                        self._no_publish_batch = True
                        self._outbox[:0] = batch
                        continue
                    for p in batch:
                        p.error = e
                except BaseException as e:  # cancelled (the loop closing): no publish left unanswered
                    for p in batch + self._outbox:
                        f = cast(asyncio.Future, p.future)
                        if not f.done():
                            f.set_exception(VigilError(f"publish not sent: {e!r}"))
                    self._outbox.clear()
                    raise
                for p in batch:
                    f = cast(asyncio.Future, p.future)
                    if f.done():  # its publish was cancelled meanwhile
                        continue
                    if p.error is not None:
                        f.set_exception(p.error)
                    else:
                        f.set_result(p.result)
        finally:
            self._sender = None

    @property
    def stats(self) -> c.ClientStats:
        """The client's publish counters, as for ``Vigil.stats``."""
        return c.ClientStats(
            publish_calls=self._publish_calls,
            published_messages=self._published_messages,
            publish_retries=self._publish_retries,
        )

    def subscribe(
        self, destination: str, max_in_flight: int = 16, *, batches: bool = False, max_batch: int = 0
    ) -> "AsyncSubscription":
        """``async for d in v.subscribe("consumers"):`` … ``await d.ack()``; re-opened after Vigil restarts.

        ``batches=True`` consumes through SubscribeBatches, as for ``Vigil.subscribe``."""
        self._check_open()
        s = AsyncSubscription(self, destination, max_in_flight, batches, max_batch)
        self._subscriptions.add(s)
        return s

    async def _ack(self, destination: str, message_id: str, ack: bool) -> bool:
        req = router_pb2.AckRequest(
            destination=destination,
            message_ids=[message_id] if ack else [],
            nack_ids=[] if ack else [message_id],
        )
        try:
            r = await self._unary(self.stubs.router.Ack, req)
        except VigilError as e:
            if not e.retryable:
                raise
            self._once.warn(f"ack:{e.vigil_code or e.code}", "vigil_client: ack not sent: %s", e)
            return False
        return (r.acked if ack else r.nacked) == 1

    async def _unary(self, method: Any, req: Any, timeout: Optional[float] = None) -> Any:
        try:
            return await method(
                req,
                timeout=self._call_timeout if timeout is None else timeout,
                metadata=self._metadata,
                wait_for_ready=True,
            )
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None


class AsyncHeartbeat:
    """A running ``AsyncVigil.heartbeat`` task; ``await stop()`` ends it."""

    def __init__(self, vigil: AsyncVigil, component: str, every: float, req: heartbeat_pb2.BeatRequest) -> None:
        self.component = component
        self.every = every
        self.beats = 0
        self.last_state: Optional[str] = None
        self._vigil = vigil
        self._req = req
        self._task = asyncio.get_running_loop().create_task(self._run())

    def __await__(self) -> Generator[Any, None, "AsyncHeartbeat"]:
        return self._self().__await__()

    async def _self(self) -> "AsyncHeartbeat":
        return self

    async def _run(self) -> None:
        v = self._vigil
        while True:
            try:
                self.last_state = c.state_name((await v._unary(v.stubs.heartbeat.Beat, self._req)).state)
                self.beats += 1
            except VigilError as e:
                v._once.warn(
                    f"heartbeat:{self.component}:{e.vigil_code or e.code}",
                    "vigil_client: heartbeat of %s failed: %s",
                    self.component,
                    e,
                )
            await asyncio.sleep(self.every)

    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._vigil._heartbeats.discard(self)

    @property
    def running(self) -> bool:
        return not self._task.done()


class AsyncJob:
    """``async with v.job(name):`` or ``@v.job(name)`` on a coroutine function; a run id per run."""

    def __init__(self, vigil: AsyncVigil, component: str, **kwargs: Any) -> None:
        self._vigil = vigil
        self.component = component
        self._kwargs = kwargs
        c.beat_request(component, **kwargs)
        self._runs: List[str] = []

    @property
    def run_id(self) -> Optional[str]:
        return self._runs[-1] if self._runs else None

    async def __aenter__(self) -> "AsyncJob":
        run_id = c.new_run_id()
        self._runs.append(run_id)
        await self._vigil._job_beat(
            c.beat_request(self.component, signal=c.SIGNAL_START, run_id=run_id, **self._kwargs)
        )
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
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
            await self._vigil._job_beat(req)
        except VigilError:
            if exc is None:
                raise

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        async def run(*args: Any, **kwargs: Any) -> Any:
            async with AsyncJob(self._vigil, self.component, **self._kwargs):
                return await fn(*args, **kwargs)

        return cast(F, run)


class AsyncDelivery(c.DeliveryData):
    """One message from ``AsyncVigil.subscribe``; ``await ack()`` or ``await nack()``."""

    _vigil: AsyncVigil

    async def ack(self) -> bool:
        return await self._vigil._ack(self.destination, self.message_id, True)

    async def nack(self) -> bool:
        return await self._vigil._ack(self.destination, self.message_id, False)


class AsyncSubscription:
    """An async iterator over deliveries that re-opens its stream after Vigil restarts."""

    def __init__(
        self, vigil: AsyncVigil, destination: str, max_in_flight: int, batches: bool = False, max_batch: int = 0
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
        self._closed = False
        self._call: Any = None
        self.reconnects = 0

    def __aiter__(self) -> AsyncIterator[AsyncDelivery]:
        return self._deliveries()

    def close(self) -> None:
        self._closed = True
        if self._call is not None:
            self._call.cancel()
        self._vigil._subscriptions.discard(self)

    async def _deliveries(self) -> AsyncIterator[AsyncDelivery]:
        v = self._vigil
        attempt = 0
        opened = False
        while not self._closed:
            method = v.stubs.router.SubscribeBatches if self._batches else v.stubs.router.Subscribe
            call = method(self._req, metadata=v._metadata, wait_for_ready=True)
            self._call = call
            if opened:
                self.reconnects += 1
            opened = True
            try:
                async for m in call:
                    attempt = 0
                    for d in m.deliveries if self._batches else (m,):
                        delivery = AsyncDelivery(**c.delivery_fields(d, self.destination))
                        delivery._vigil = v
                        yield delivery
            except asyncio.CancelledError:
                if self._closed:
                    return
                raise
            except grpc.RpcError as e:
                if self._closed:
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
                self._call = None
            if self._closed:
                return
            await asyncio.sleep(c.backoff(attempt, 0.1, 2.0))
            attempt += 1
