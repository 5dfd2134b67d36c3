"""The Python client beside raw grpcio stubs doing the same calls, in alternating rounds (one process).

Usage: python-client.py ROUNDS BEATS POINTS (VIGIL_ADDRESS from the environment; vigil-client installed).
Prints one JSON object: per measure, the rates of every round for "client" and "raw".
"""
import json
import sys
import time

import grpc
from google.protobuf import duration_pb2

from vigil_client import Vigil
from vigil_client._gen.vigil.v1 import heartbeat_pb2, heartbeat_pb2_grpc, metrics_pb2, metrics_pb2_grpc

rounds, beats, points = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ATTRS = {"shop": "eu", "route": "/orders"}

# A buffer that holds a whole round: a dropped point would make the client look faster than it is.
v = Vigil(client_id="bench-client", max_buffered_points=points + 1)
channel = grpc.insecure_channel(v.address)
grpc.channel_ready_future(channel).result(timeout=15)
hb = heartbeat_pb2_grpc.HeartbeatServiceStub(channel)
metrics = metrics_pb2_grpc.MetricsServiceStub(channel)
md = (("vigil-client", "bench-raw"),)
STATES = {k: n[len("COMPONENT_STATE_"):] for n, k in heartbeat_pb2.ComponentState.items()}


def raw_beats():
    for _ in range(beats):
        r = hb.Beat(
            heartbeat_pb2.BeatRequest(component="bench-raw", interval=duration_pb2.Duration(seconds=30)),
            timeout=5,
            metadata=md,
            wait_for_ready=True,
        )
        STATES[r.state]


def client_beats():
    for _ in range(beats):
        v.beat("bench-client", interval=30)


def raw_points():
    batch = []
    for _ in range(points):
        batch.append(metrics_pb2.MetricPoint(name="bench.raw", kind=metrics_pb2.METRIC_KIND_COUNTER, value=1, attributes=ATTRS))
        if len(batch) == 500:
            metrics.Record(metrics_pb2.RecordRequest(points=batch), timeout=5, metadata=md, wait_for_ready=True)
            batch = []
    if batch:
        metrics.Record(metrics_pb2.RecordRequest(points=batch), timeout=5, metadata=md, wait_for_ready=True)


def client_points():
    for _ in range(points):
        v.counter("bench.client", 1, ATTRS)
    v.flush()  # timed until Vigil has every point


def rate(fn, n):
    start = time.perf_counter()
    fn()
    return n / (time.perf_counter() - start)


out = {"beat": {"client": [], "raw": []}, "counter": {"client": [], "raw": []}}
# A warm-up of each, then rounds in alternating order so drift on a noisy machine hits both sides.
client_beats(), raw_beats(), client_points(), raw_points()
for r in range(rounds):
    for (measure, (c_fn, r_fn)) in zip(("beat", "counter"), ((client_beats, raw_beats), (client_points, raw_points))):
        n = beats if measure == "beat" else points
        order = [("client", c_fn), ("raw", r_fn)] if r % 2 == 0 else [("raw", r_fn), ("client", c_fn)]
        for side, fn in order:
            out[measure][side].append(rate(fn, n))
out["dropped_points"] = v.dropped_points
v.close()
channel.close()
print(json.dumps(out))
