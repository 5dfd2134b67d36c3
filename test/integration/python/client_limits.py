"""client_id reaches Vigil as `vigil-client`, and a publish waits out a rate limit (Vigil's pushback).

Usage: client_limits.py, against a Vigil without tokens and `server.limits.client_requests_per_second: 2`.
"""
import json
import time

from vigil_client import ResourceExhaustedError, Vigil

out = {}
with Vigil(client_id="py-limited") as v:
    for i in range(10):
        try:
            v.beat("py-limited")
        except ResourceExhaustedError as e:
            out["limited_after"] = i
            out["limit_error"] = [e.code.name, e.vigil_code, "py-limited@127.0.0.1" in e.message, e.retryable]
            out["retry_after"] = e.retry_after
            break
    # Without a client id the bot is another client (the peer's address alone): not limited yet.
    with Vigil() as other:
        out["other_client"] = other.beat("py-other")
    start = time.monotonic()
    r = v.publish("limited.x", b"x")
    out["publish_waited_seconds"] = time.monotonic() - start
    out["publish_duplicate"] = r.duplicate
print(json.dumps(out))
