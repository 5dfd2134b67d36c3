"""Every method of vigil_client.aio.AsyncVigil (the installed wheel) against a real Vigil with bearer tokens.

Usage: client_async.py (VIGIL_ADDRESS and VIGIL_TOKEN from the environment). Prints one JSON object.
Routes: `async.>` to the subscriber destination `async-consumers`.
"""
import asyncio
import datetime
import json
import logging
import time

from vigil_client import InvalidArgumentError, NotFoundError, PublishResult, UnauthenticatedError, VigilError
from vigil_client._gen.vigil.v1 import admin_pb2, heartbeat_pb2
from vigil_client.aio import AsyncVigil

warnings = []


class Capture(logging.Handler):
    def emit(self, record):
        warnings.append(record.getMessage())


logging.getLogger("vigil_client").addHandler(Capture())
logging.getLogger("vigil_client").setLevel(logging.WARNING)


async def until(predicate, seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if await predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def components(v):
    listed = await v.stubs.heartbeat.ListComponents(heartbeat_pb2.ListComponentsRequest(), metadata=v.metadata)
    return {
        c.name: {
            "state": heartbeat_pb2.ComponentState.Name(c.state),
            "health": heartbeat_pb2.Health.Name(c.health),
            "message": c.message,
            "job_running": c.job_running,
            "beat_count": c.beat_count,
            "interval_ms": c.interval.ToMilliseconds(),
        }
        for c in listed.components
    }


async def points_accepted(v):
    status = await v.stubs.admin.GetStatus(admin_pb2.GetStatusRequest(), metadata=v.metadata)
    return status.metrics.points_accepted


async def main():
    out = {}
    async with AsyncVigil(client_id="py-async") as v:
        out["beat"] = await v.beat("py-async-worker", interval=datetime.timedelta(seconds=10), grace=5.0)
        try:
            await v.beat("bad name")
            out["bad_beat"] = "accepted"
        except InvalidArgumentError as e:
            out["bad_beat"] = [e.code.name, e.vigil_code, e.message]

        h = await v.heartbeat("py-async-hb", every=0.2)

        async def three():
            return h.beats >= 3

        await until(three)
        await h.stop()
        stopped_at = h.beats
        await asyncio.sleep(0.6)
        out["heartbeat"] = {"beats": stopped_at, "after_stop": h.beats - stopped_at, "running": h.running}

        async with v.job("py-async-job") as j:
            out["run_id"] = j.run_id
            out["running_during_job"] = (await components(v))["py-async-job"]["job_running"]
        try:
            async with v.job("py-async-job-fail"):
                raise RuntimeError("async disk on fire")
        except RuntimeError as e:
            out["job_reraised"] = str(e)

        @v.job("py-async-job-deco")
        async def double(x):
            await asyncio.sleep(0)
            return 2 * x

        out["decorated"] = await double(21)

        @v.job("py-async-job-deco-fail")
        async def boom():
            raise ValueError("async bad input")

        try:
            await boom()
        except ValueError as e:
            out["decorated_reraised"] = str(e)
        out["components"] = await components(v)

        before = await points_accepted(v)
        await v.counter("py.async.orders", 2, {"shop": "y"}, unit="1", description="orders seen")
        v.counter("py.async.orders", attributes={"shop": "y"})  # without await: recorded all the same
        await v.up_down_counter("py.async.queue", -2)
        await v.gauge("py.async.temperature", 19.25)
        await v.histogram("py.async.latency", 0.5, unit="s")
        await v.gauge("py.async.orders", 1)  # a kind conflict: logged once
        await v.flush()
        out["flushed_accepted"] = await points_accepted(v) - before
        before = await points_accepted(v)
        start = time.monotonic()
        v.counter("py.async.auto")

        async def flushed():
            return await points_accepted(v) > before

        await until(flushed)
        out["auto_flush_seconds"] = time.monotonic() - start

        r1 = await v.publish(
            "async.created", "first", attributes={"k": "v"}, priority="critical", idempotency_key="py-async-1"
        )
        r2 = await v.publish("async.created", "first", idempotency_key="py-async-1")
        r3 = await v.publish("async.created", b"second", content_type="text/plain", ttl=30.0)
        out["publish"] = {
            "is_result": isinstance(r1, PublishResult),
            "r1": [r1.duplicate, r1.routed],
            "r2_duplicate_same_id": [r2.duplicate, r2.message_id == r1.message_id],
            "r3": [r3.duplicate, r3.routed],
        }

        seen = []
        acked = set()
        sub = v.subscribe("async-consumers", max_in_flight=4)
        async for d in sub:
            seen.append([d.text, d.topic, d.priority, d.attempt, d.attributes, d.content_type])
            if d.message_id == r1.message_id and d.attempt == 1:
                out["nacked"] = await d.nack()
                continue
            await d.ack()
            acked.add(d.message_id)
            if acked == {r1.message_id, r3.message_id}:
                break
        sub.close()
        out["deliveries"] = seen
        try:
            async for _ in v.subscribe("nowhere"):
                break
            out["unknown_destination"] = "accepted"
        except NotFoundError as e:
            out["unknown_destination"] = [e.code.name, e.vigil_code]

        async with AsyncVigil(token="wrong-token-abcdefgh1234") as bad:
            try:
                await bad.beat("py-async-worker")
                out["bad_token"] = "accepted"
            except UnauthenticatedError as e:
                out["bad_token"] = [e.code.name, "wrong-token" in str(e)]
    try:
        v.counter("py.async.after_close")
        out["after_close"] = "accepted"
    except VigilError as e:
        out["after_close"] = str(e)
    out["warnings"] = warnings
    return out


print(json.dumps(asyncio.run(main())))
