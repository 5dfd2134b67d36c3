"""Every method of vigil_client.Vigil (the installed wheel) against a real Vigil with bearer tokens.

Usage: client_sync.py (VIGIL_ADDRESS and VIGIL_TOKEN from the environment). Prints one JSON object.
Routes: `orders.>` to the subscriber destination `consumers`.
"""
import datetime
import json
import logging
import sys
import time

import vigil_client
from vigil_client import (
    InvalidArgumentError,
    NotFoundError,
    PublishResult,
    UnauthenticatedError,
    Vigil,
    VigilError,
)
from vigil_client._gen.vigil.v1 import admin_pb2, heartbeat_pb2

warnings = []


class Capture(logging.Handler):
    def emit(self, record):
        warnings.append(record.getMessage())


logging.getLogger("vigil_client").addHandler(Capture())
logging.getLogger("vigil_client").setLevel(logging.WARNING)
out = {"module": vigil_client.__file__}


def until(predicate, seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def components(v):
    listed = v.stubs.heartbeat.ListComponents(heartbeat_pb2.ListComponentsRequest(), metadata=v.metadata)
    return {
        c.name: {
            "state": heartbeat_pb2.ComponentState.Name(c.state),
            "health": heartbeat_pb2.Health.Name(c.health),
            "message": c.message,
            "job_running": c.job_running,
            "beat_count": c.beat_count,
            "interval_ms": c.interval.ToMilliseconds(),
            "grace_ms": c.grace.ToMilliseconds(),
            "attributes": dict(c.attributes),
        }
        for c in listed.components
    }


def points_accepted(v):
    return v.stubs.admin.GetStatus(admin_pb2.GetStatusRequest(), metadata=v.metadata).metrics.points_accepted


with Vigil(client_id="py-sync") as v:
    # beat
    out["beat"] = v.beat(
        "py-sync-worker", interval=datetime.timedelta(seconds=10), grace=5.0, attributes={"lang": "python"}
    )
    out["beat_degraded"] = v.beat("py-sync-worker", health="degraded", message="slow disk", interval=10)
    try:
        v.beat("bad name")
        out["bad_beat"] = "accepted"
    except InvalidArgumentError as e:
        out["bad_beat"] = [e.code.name, e.vigil_code, e.message, e.retryable, isinstance(e, VigilError)]
    try:
        v.beat("py-sync-worker", health="meh")
    except ValueError as e:
        out["bad_health"] = str(e)

    # heartbeat
    h = v.heartbeat("py-sync-hb", every=0.2)
    until(lambda: h.beats >= 3)
    h.stop()
    stopped_at = h.beats
    time.sleep(0.6)
    out["heartbeat"] = {
        "beats": stopped_at,
        "after_stop": h.beats - stopped_at,
        "state": h.last_state,
        "running": h.running,
    }

    # jobs
    with v.job("py-sync-job", grace=60) as j:
        out["run_id"] = j.run_id
        out["running_during_job"] = components(v)["py-sync-job"]["job_running"]
    try:
        with v.job("py-sync-job-fail"):
            raise RuntimeError("disk on fire")
    except RuntimeError as e:
        out["job_reraised"] = str(e)

    @v.job("py-sync-job-deco")
    def double(x):
        return 2 * x

    out["decorated"] = [double(21), double(1)]

    @v.job("py-sync-job-deco-fail")
    def boom():
        raise ValueError("bad input 7")

    try:
        boom()
    except ValueError as e:
        out["decorated_reraised"] = str(e)
    out["components"] = components(v)

    # metrics
    before = points_accepted(v)
    v.counter("py.sync.orders", 5, {"shop": "x"}, unit="1", description="orders seen")
    v.counter("py.sync.orders", attributes={"shop": "x"})
    v.up_down_counter("py.sync.queue", 3)
    v.up_down_counter("py.sync.queue", -1)
    v.gauge("py.sync.temperature", 21.5, unit="Cel")
    v.histogram("py.sync.latency", 0.25, unit="s")
    v.histogram("py.sync.orders", 1)  # a kind conflict: rejected, logged once
    v.histogram("py.sync.orders", 2)  # the same reason again: not logged again
    v.flush()
    out["flushed_accepted"] = points_accepted(v) - before
    # Without flush(): sent within a second by the background flusher.
    before = points_accepted(v)
    start = time.monotonic()
    v.counter("py.sync.auto")
    until(lambda: points_accepted(v) > before)
    out["auto_flush_seconds"] = time.monotonic() - start
    # 1,200 points: batches of at most 500, the first sent as soon as 500 are waiting.
    before = points_accepted(v)
    for i in range(1200):
        v.counter("py.sync.batch", attributes={"n": str(i % 10)})
    v.flush()
    out["batch_accepted"] = points_accepted(v) - before

    # publish
    r1 = v.publish(
        "orders.created",
        '{"id": 1}',
        content_type="application/json",
        attributes={"shop": "x"},
        priority="high",
        idempotency_key="py-sync-1",
        ttl=60,
    )
    r2 = v.publish("orders.created", '{"id": 1}', idempotency_key="py-sync-1")
    r3 = v.publish("orders.created", b"\x00\x01binary", ttl=datetime.timedelta(minutes=1))
    out["publish"] = {
        "type": type(r1).__name__,
        "is_result": isinstance(r1, PublishResult),
        "r1": [bool(r1.message_id), r1.duplicate, r1.routed],
        "r2_duplicate_same_id": [r2.duplicate, r2.message_id == r1.message_id],
        "r3": [r3.duplicate, r3.routed, r3.message_id != r1.message_id],
    }
    try:
        v.publish("", b"x")
        out["bad_publish"] = "accepted"
    except InvalidArgumentError as e:
        out["bad_publish"] = [e.code.name, e.vigil_code, e.message]

    # subscribe: nack r1 once (it comes again with attempt 2), ack everything else
    seen = []
    acked = set()
    sub = v.subscribe("consumers", max_in_flight=16)
    for d in sub:
        seen.append(
            {
                "message_id": d.message_id,
                "topic": d.topic,
                "payload": d.payload.hex(),
                "content_type": d.content_type,
                "attributes": d.attributes,
                "priority": d.priority,
                "attempt": d.attempt,
                "is_r1": d.message_id == r1.message_id,
            }
        )
        if d.message_id == r1.message_id and d.attempt == 1:
            out["nacked"] = d.nack()
            continue
        out.setdefault("acks", []).append(d.ack())
        acked.add(d.message_id)
        if acked == {r1.message_id, r3.message_id}:
            break
    sub.close()
    out["deliveries"] = seen
    try:
        next(iter(v.subscribe("nowhere")))
        out["unknown_destination"] = "accepted"
    except NotFoundError as e:
        out["unknown_destination"] = [e.code.name, e.vigil_code]

    # a wrong token: UNAUTHENTICATED, and the token is never in the error
    with Vigil(token="wrong-token-abcdefgh1234") as bad:
        try:
            bad.beat("py-sync-worker")
            out["bad_token"] = "accepted"
        except UnauthenticatedError as e:
            out["bad_token"] = [e.code.name, e.vigil_code, "wrong-token" in str(e), e.retryable]

try:
    v.counter("py.sync.after_close")
    out["after_close"] = "accepted"
except VigilError as e:
    out["after_close"] = str(e)
out["warnings"] = warnings
print(json.dumps(out))
sys.stdout.flush()
