"""Consumes a subscriber destination through a Vigil restart until COUNT distinct payloads have come.

Usage: restart_subscriber.py sync|async DESTINATION COUNT (VIGIL_ADDRESS from the environment).
Prints `{"ready": true}` once subscribed, then one summary object: every payload seen with the message
ids and idempotency keys it came with (a retried publish stored twice would show two), deliveries,
reconnects.
"""
import asyncio
import json
import sys
import threading
import time

from vigil_client import Vigil
from vigil_client.aio import AsyncVigil

mode, destination, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids = {}
keys = {}
state = {"deliveries": 0, "redelivered": 0}
deadline = time.monotonic() + 90


def seen(d):
    state["deliveries"] += 1
    if d.attempt > 1:
        state["redelivered"] += 1
    ids.setdefault(d.text, set()).add(d.message_id)
    keys.setdefault(d.text, set()).add(d.idempotency_key)
    return len(ids) >= count or time.monotonic() > deadline


def summary(reconnects):
    return {
        "payloads": len(ids),
        "ids": {k: sorted(v) for k, v in ids.items()},
        "keys_per_payload": max((len(v) for v in keys.values()), default=0),
        "reconnects": reconnects,
        **state,
    }


def run_sync():
    with Vigil(client_id=f"py-sub-{mode}") as v:
        sub = v.subscribe(destination, max_in_flight=32)
        # Vigil gives no "subscribed" answer; a timer closes a subscription that sees nothing at all.
        timer = threading.Timer(90, sub.close)
        timer.daemon = True
        timer.start()
        print(json.dumps({"ready": True}), flush=True)
        for d in sub:
            d.ack()
            if seen(d):
                break
        sub.close()
        return summary(sub.reconnects)


async def run_async():
    async with AsyncVigil(client_id=f"py-sub-{mode}") as v:
        sub = v.subscribe(destination, max_in_flight=32)
        print(json.dumps({"ready": True}), flush=True)

        async def consume():
            async for d in sub:
                await d.ack()
                if seen(d):
                    break

        try:
            await asyncio.wait_for(consume(), 90)
        except asyncio.TimeoutError:
            pass
        sub.close()
        return summary(sub.reconnects)


print(json.dumps(run_sync() if mode == "sync" else asyncio.run(run_async())), flush=True)
