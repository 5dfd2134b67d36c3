"""A consumer bot written in Python: subscribes to a subscriber destination and acks.

Usage: consumer.py STUBS_DIR ADDRESS DESTINATION COUNT. Prints one JSON object with what it received.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from vigil.v1 import router_pb2, router_pb2_grpc  # noqa: E402

address, destination, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
channel = grpc.insecure_channel(address)
grpc.channel_ready_future(channel).result(timeout=10)
router = router_pb2_grpc.RouterServiceStub(channel)

received = []
stream = router.Subscribe(router_pb2.SubscribeRequest(destination=destination, max_in_flight=10), timeout=30)
for d in stream:
    received.append({
        "message_id": d.message_id,
        "topic": d.topic,
        "payload": d.payload.decode(),
        "priority": router_pb2.Priority.Name(d.priority),
        "attempt": d.attempt,
        "traceparent": d.traceparent,
    })
    ack = router.Ack(router_pb2.AckRequest(destination=destination, message_ids=[d.message_id]))
    assert ack.acked == 1, ack
    if len(received) == count:
        stream.cancel()
        break

try:
    router.Subscribe(router_pb2.SubscribeRequest(destination="nowhere")).next()
    unknown = "accepted"
except grpc.RpcError as e:
    unknown = [e.code().name, e.details()]

print(json.dumps({"received": received, "unknown_destination": unknown}))
