"""A small Python bot beside Vigil: beats, records metrics, publishes orders and consumes them.

Stubs come from Vigil's proto files (Debian: python3-grpcio protobuf-compiler protobuf-compiler-grpc):

    protoc -I proto --python_out=gen --grpc_out=gen \
      --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin proto/vigil/v1/*.proto
    VIGIL_ADDRESS=127.0.0.1:7070 python3 examples/python/bot.py gen [SECONDS]

The Vigil it talks to routes `orders.>` to a subscriber destination named `consumers`
(examples/bots.vigil.yaml). With SECONDS it stops after that long and prints a JSON summary.
"""
import json
import os
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from google.protobuf import duration_pb2  # noqa: E402
from vigil.v1 import (  # noqa: E402
    heartbeat_pb2,
    heartbeat_pb2_grpc,
    metrics_pb2,
    metrics_pb2_grpc,
    router_pb2,
    router_pb2_grpc,
)

seconds = float(sys.argv[2]) if len(sys.argv) > 2 else float("inf")
channel = grpc.insecure_channel(os.environ.get("VIGIL_ADDRESS", "127.0.0.1:7070"))
grpc.channel_ready_future(channel).result(timeout=15)
meta = (("vigil-client", "py-bot"),)
heartbeat = heartbeat_pb2_grpc.HeartbeatServiceStub(channel)
metrics = metrics_pb2_grpc.MetricsServiceStub(channel)
router = router_pb2_grpc.RouterServiceStub(channel)
summary = {"language": "python", "beats": 0, "published": 0, "consumed": 0}
done = threading.Event()


def consume():
    """Subscribe and ack; the stream is opened again when it ends (Vigil restarting)."""
    while not done.is_set():
        try:
            stream = router.Subscribe(
                router_pb2.SubscribeRequest(destination="consumers", max_in_flight=16),
                metadata=meta,
                wait_for_ready=True,
            )
            for d in stream:
                order = json.loads(d.payload)
                summary["consumed"] += 1
                router.Ack(router_pb2.AckRequest(destination="consumers", message_ids=[d.message_id]), metadata=meta)
                metrics.Record(metrics_pb2.RecordRequest(points=[metrics_pb2.MetricPoint(
                    name="bot.orders.consumed", kind=metrics_pb2.METRIC_KIND_COUNTER, value=1,
                    attributes={"language": "python", "high": str(order["id"] % 10 == 0).lower()})]), metadata=meta)
                if done.is_set():
                    stream.cancel()
        except grpc.RpcError as e:
            if done.is_set() or e.code() == grpc.StatusCode.CANCELLED:
                return
            time.sleep(0.5)


consumer = threading.Thread(target=consume, daemon=True)
consumer.start()
start = time.monotonic()
n = 0
while time.monotonic() - start < seconds:
    tick = time.monotonic()
    heartbeat.Beat(heartbeat_pb2.BeatRequest(component="py-worker", message=f"tick {n}",
                                             interval=duration_pb2.Duration(seconds=5)), metadata=meta, wait_for_ready=True)
    summary["beats"] += 1
    r = router.Publish(router_pb2.PublishRequest(
        topic="orders.created",
        payload=json.dumps({"id": n, "at": time.time()}).encode(),
        content_type="application/json",
        priority=router_pb2.PRIORITY_HIGH if n % 10 == 0 else router_pb2.PRIORITY_NORMAL,
        idempotency_key=f"py-bot-{os.getpid()}-{n}",  # a retry of the same order is answered duplicate
    ), metadata=meta, wait_for_ready=True)
    if r.routed > 0:
        summary["published"] += 1
    metrics.Record(metrics_pb2.RecordRequest(points=[metrics_pb2.MetricPoint(
        name="bot.tick.duration", kind=metrics_pb2.METRIC_KIND_HISTOGRAM, unit="s",
        value=time.monotonic() - tick, attributes={"language": "python"})]), metadata=meta)
    n += 1
    time.sleep(0.5)

time.sleep(1)  # let the last deliveries arrive
done.set()
channel.close()
print(json.dumps(summary))
