"""Publishes COUNT messages through a Vigil restart (sync: threads; async: tasks).

The client generates each message's idempotency key (message 0 alone gets one from us, to publish it
again after the restart); a retry that reused no key would store a message whose answer was lost twice.

Usage: restart_publisher.py sync|async TOPIC COUNT CONCURRENCY (VIGIL_ADDRESS from the environment).
Prints `{"acked": payload, "id": message_id, "duplicate": bool}` per acknowledged publish as it happens (the
test restarts Vigil after some of them), then one summary object.
"""
import asyncio
import json
import sys
import threading

from vigil_client import Vigil, VigilError
from vigil_client.aio import AsyncVigil

mode, topic, count, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
prefix = f"{mode}-key"
lock = threading.Lock()
acked = {}
errors = []


def report(payload, r):
    with lock:
        acked[payload] = r.message_id
        print(json.dumps({"acked": payload, "id": r.message_id, "duplicate": r.duplicate}), flush=True)


def summary(again):
    return {
        "summary": True,
        "acked": len(acked),
        "errors": errors[:10],
        # A key acknowledged before the restart, published again afterwards: Vigil still knows it.
        "republished": [again.duplicate, again.message_id == acked.get("message 0")],
    }


def run_sync():
    with Vigil(client_id=f"py-restart-{mode}", publish_timeout=60) as v:
        def worker(w):
            for i in range(w, count, concurrency):
                key = f"{prefix}-0" if i == 0 else None
                try:
                    report(f"message {i}", v.publish(topic, f"message {i}".encode(), idempotency_key=key))
                except VigilError as e:
                    errors.append(str(e))

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return summary(v.publish(topic, b"message 0", idempotency_key=f"{prefix}-0"))


async def run_async():
    async with AsyncVigil(client_id=f"py-restart-{mode}", publish_timeout=60) as v:
        async def worker(w):
            for i in range(w, count, concurrency):
                key = f"{prefix}-0" if i == 0 else None
                try:
                    report(f"message {i}", await v.publish(topic, f"message {i}", idempotency_key=key))
                except VigilError as e:
                    errors.append(str(e))

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        return summary(await v.publish(topic, b"message 0", idempotency_key=f"{prefix}-0"))


print(json.dumps(run_sync() if mode == "sync" else asyncio.run(run_async())), flush=True)
