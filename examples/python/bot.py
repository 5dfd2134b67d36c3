"""A small Python bot beside Vigil: beats, records metrics, publishes orders and consumes them.

It uses Vigil's Python client (clients/python; needs only grpcio and protobuf, which Debian's
python3-grpcio and python3-protobuf provide):

    pip install ./clients/python
    VIGIL_ADDRESS=127.0.0.1:7070 python3 examples/python/bot.py [SECONDS]

The Vigil it talks to routes `orders.>` to a subscriber destination named `consumers`
(examples/bots.vigil.yaml). With SECONDS it stops after that long and prints a JSON summary.
"""
import json
import sys
import threading
import time

from vigil_client import Vigil

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else float("inf")
summary = {"language": "python", "beats": 0, "published": 0, "consumed": 0}

with Vigil(client_id="py-bot") as v:  # VIGIL_ADDRESS, VIGIL_TOKEN from the environment
    orders = v.subscribe("consumers", max_in_flight=16)

    def consume():
        # The subscription re-opens itself when Vigil restarts; un-acked orders come again.
        for d in orders:
            order = json.loads(d.payload)
            summary["consumed"] += 1
            v.counter("bot.orders.consumed", attributes={"language": "python", "high": str(order["id"] % 10 == 0).lower()})
            d.ack()

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        tick = time.monotonic()
        v.beat("py-worker", message=f"tick {n}", interval=5)
        summary["beats"] += 1
        # Retried through a Vigil restart with one idempotency key: never stored twice.
        r = v.publish(
            "orders.created",
            json.dumps({"id": n, "at": time.time()}),
            content_type="application/json",
            priority="high" if n % 10 == 0 else "normal",
        )
        if r.routed > 0:
            summary["published"] += 1
        v.histogram("bot.tick.duration", time.monotonic() - tick, {"language": "python"}, unit="s")
        n += 1
        time.sleep(0.5)

    time.sleep(1)  # let the last deliveries arrive
    orders.close()
print(json.dumps(summary))
