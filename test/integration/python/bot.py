"""A bot written in Python: proves Vigil's gRPC contract works from any language.

Usage: bot.py STUBS_DIR ADDRESS. Prints one JSON object with what it saw.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from google.protobuf.duration_pb2 import Duration  # noqa: E402
from vigil.v1 import admin_pb2, admin_pb2_grpc  # noqa: E402
from vigil.v1 import heartbeat_pb2, heartbeat_pb2_grpc  # noqa: E402
from vigil.v1 import metrics_pb2, metrics_pb2_grpc  # noqa: E402

channel = grpc.insecure_channel(sys.argv[2])
grpc.channel_ready_future(channel).result(timeout=10)
hb = heartbeat_pb2_grpc.HeartbeatServiceStub(channel)
metrics = metrics_pb2_grpc.MetricsServiceStub(channel)
admin = admin_pb2_grpc.AdminServiceStub(channel)
out = {}

beat = hb.Beat(heartbeat_pb2.BeatRequest(
    component="py-worker",
    health=heartbeat_pb2.HEALTH_OK,
    interval=Duration(seconds=15),
    attributes={"lang": "python"},
))
out["beat_state"] = heartbeat_pb2.ComponentState.Name(beat.state)
out["deadline_seconds"] = beat.deadline.seconds

try:
    hb.Beat(heartbeat_pb2.BeatRequest(component="bad name"))
    out["bad_beat"] = "accepted"
except grpc.RpcError as e:
    out["bad_beat"] = [e.code().name, e.details()]

rec = metrics.Record(metrics_pb2.RecordRequest(points=[
    metrics_pb2.MetricPoint(name="py.orders", kind=metrics_pb2.METRIC_KIND_COUNTER, value=5, attributes={"shop": "x"}),
    metrics_pb2.MetricPoint(name="py.temperature", kind=metrics_pb2.METRIC_KIND_GAUGE, value=21.5),
    metrics_pb2.MetricPoint(name="py.orders", kind=metrics_pb2.METRIC_KIND_HISTOGRAM, value=1),
]))
out["record"] = {"accepted": rec.accepted, "rejected": [[r.index, r.code] for r in rec.rejected]}


def batches():
    for _ in range(5):
        yield metrics_pb2.RecordRequest(points=[
            metrics_pb2.MetricPoint(name="py.events", kind=metrics_pb2.METRIC_KIND_COUNTER, value=1)
            for _ in range(100)
        ])


stream = metrics.RecordStream(batches())
out["stream_accepted"] = stream.accepted

listed = hb.ListComponents(heartbeat_pb2.ListComponentsRequest())
out["overall"] = heartbeat_pb2.OverallStatus.Name(listed.status)
out["components"] = {c.name: heartbeat_pb2.ComponentState.Name(c.state) for c in listed.components}

status = admin.GetStatus(admin_pb2.GetStatusRequest())
out["status_version"] = status.version
out["status_points_accepted"] = status.metrics.points_accepted
print(json.dumps(out))
