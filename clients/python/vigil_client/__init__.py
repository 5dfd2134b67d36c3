"""Vigil's Python client: heartbeats, jobs, metrics, publish and subscribe, sync and asyncio.

    from vigil_client import Vigil

    with Vigil() as v:            # VIGIL_ADDRESS (default 127.0.0.1:7070), VIGIL_TOKEN
        v.beat("worker")
        v.counter("orders.processed", attributes={"shop": "eu"})
        v.publish("orders.created", b'{"id": 1}')

``vigil_client.aio.AsyncVigil`` has the same methods as coroutines.
"""

from ._common import ClientStats, PublishResult
from ._sync import Delivery, Heartbeat, Job, Subscription, Vigil
from .errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnauthenticatedError,
    UnavailableError,
    VigilError,
)

__version__ = "0.1.0"

__all__ = [
    "Vigil",
    "PublishResult",
    "ClientStats",
    "Delivery",
    "Heartbeat",
    "Job",
    "Subscription",
    "VigilError",
    "InvalidArgumentError",
    "UnauthenticatedError",
    "PermissionDeniedError",
    "NotFoundError",
    "FailedPreconditionError",
    "ResourceExhaustedError",
    "UnavailableError",
    "DeadlineExceededError",
    "InternalError",
    "__version__",
]
