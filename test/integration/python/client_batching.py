"""Adaptive publish batching of vigil_client.Vigil (threads) and AsyncVigil (tasks) against a real Vigil,
and the fallback to Publish against a Vigil without PublishBatch (an in-process grpc server that has
only Publish: the generated servicer answers every other method UNIMPLEMENTED).

Usage: client_batching.py (VIGIL_ADDRESS from the environment). Prints one JSON object.
Routes: `batch.>` to the subscriber destination `batch`.
"""
import asyncio
import json
import threading
from concurrent import futures

import grpc

from vigil_client import InvalidArgumentError, Vigil, VigilError
from vigil_client._gen.vigil.v1 import router_pb2, router_pb2_grpc
from vigil_client.aio import AsyncVigil

THREADS, EACH = 16, 10
out = {}


def delta(before, after):
    return [after.publish_calls - before.publish_calls, after.published_messages - before.published_messages]


def run_sync():
    with Vigil(client_id="py-batching-sync") as v:
        before = v.stats
        r = v.publish("batch.lone", b"lone")
        out["sync_lone"] = delta(before, v.stats) + [r.routed]

        ids, errors, bad = set(), [], []
        lock = threading.Lock()
        start = threading.Barrier(THREADS)

        def worker(w):
            start.wait()
            for i in range(EACH):
                topic = "" if (w, i) == (3, 4) else "batch.many"  # refused alone: only this publish fails
                try:
                    res = v.publish(topic, f"{w}-{i}")
                    with lock:
                        ids.add(res.message_id)
                except InvalidArgumentError as e:
                    bad.append([e.vigil_code, e.message])
                except VigilError as e:
                    errors.append(str(e))

        before = v.stats
        threads = [threading.Thread(target=worker, args=(w,)) for w in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out["sync_many"] = delta(before, v.stats)
        out["sync_ids"] = len(ids)
        out["sync_errors"] = errors
        out["sync_bad"] = bad

        # Drain the destination through SubscribeBatches.
        got = 0
        with v.subscribe("batch", max_in_flight=64, batches=True, max_batch=32) as sub:
            for d in sub:
                d.ack()
                got += 1
                if got == 1 + THREADS * EACH - 1:
                    break
        out["sync_subscribe_batches"] = got


async def run_async():
    async with AsyncVigil(client_id="py-batching-async") as v:
        before = v.stats
        r = await v.publish("batch.lone", b"lone")
        out["async_lone"] = delta(before, v.stats) + [r.routed]

        before = v.stats
        topics = ["" if i == 17 else "batch.many" for i in range(THREADS * EACH)]
        results = await asyncio.gather(
            *(v.publish(t, f"async-{i}") for i, t in enumerate(topics)), return_exceptions=True
        )
        out["async_many"] = delta(before, v.stats)
        out["async_ids"] = len({r.message_id for r in results if not isinstance(r, BaseException)})
        out["async_bad"] = [
            [type(r).__name__, r.vigil_code, r.message] for r in results if isinstance(r, BaseException)
        ]
        got = 0
        async for d in v.subscribe("batch", max_in_flight=64, batches=True):
            await d.ack()
            got += 1
            if got == THREADS * EACH:
                break
        out["async_subscribe_batches"] = got


class PublishOnly(router_pb2_grpc.RouterServiceServicer):
    """A RouterService from before PublishBatch."""

    def __init__(self):
        self.calls = 0
        self.lock = threading.Lock()

    def Publish(self, request, context):
        with self.lock:
            self.calls += 1
        return router_pb2.PublishResponse(message_id="old-" + request.idempotency_key, routed=1)


def run_fallback():
    old = PublishOnly()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    router_pb2_grpc.add_RouterServiceServicer_to_server(old, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with Vigil(f"127.0.0.1:{port}") as v:
            results = []
            threads = [
                threading.Thread(target=lambda: results.append(v.publish("batch.old", b"x"))) for _ in range(8)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            out["sync_fallback"] = [len(results), old.calls, all(r.message_id.startswith("old-") for r in results)]

        async def fallback_async():
            async with AsyncVigil(f"127.0.0.1:{port}") as v:
                rs = await asyncio.gather(*(v.publish("batch.old", b"y") for _ in range(8)))
                return [len(rs), all(r.message_id.startswith("old-") for r in rs)]

        before = old.calls
        out["async_fallback"] = asyncio.run(fallback_async()) + [old.calls - before]
    finally:
        server.stop(0)


run_sync()
asyncio.run(run_async())
run_fallback()
print(json.dumps(out), flush=True)
