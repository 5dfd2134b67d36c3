"""Errors of the Vigil client: one class per gRPC status that a bot may want to tell apart."""

from __future__ import annotations

import re
from typing import Optional

import grpc

__all__ = [
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
    "from_rpc_error",
    "from_publish_result",
]

# Vigil's status details start with its error code: "VIGIL_ERR_<AREA>_<WHAT>: message" (src/errors.ts).
_DETAILS = re.compile(r"^(VIGIL_ERR_[A-Z0-9_]+): (.*)$", re.DOTALL)

# The catalogue's retryable codes (src/errors.ts): the same call may succeed later.
RETRYABLE_CODES = frozenset(
    {
        "VIGIL_ERR_SERVER_SHUTTING_DOWN",
        "VIGIL_ERR_SERVER_OVERLOADED",
        "VIGIL_ERR_SERVER_INTERNAL",
        "VIGIL_ERR_LIMIT_CLIENT_RATE",
        "VIGIL_ERR_LIMIT_STREAMS",
        "VIGIL_ERR_CONFIG_BUSY",
        "VIGIL_ERR_ROUTER_QUEUE_FULL",
        "VIGIL_ERR_ROUTER_RATE_LIMITED",
        "VIGIL_ERR_ROUTER_STORAGE",
        "VIGIL_ERR_ROUTER_DISK_FULL",
    }
)
# Without a Vigil code (the transport failed, or a code newer than this client), the status decides.
_RETRYABLE_STATUSES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.ABORTED,
    }
)
class VigilError(Exception):
    """A call to Vigil failed.

    ``code`` is the gRPC status (``grpc.StatusCode``), ``vigil_code`` Vigil's own error code
    (``"VIGIL_ERR_REQUEST_INVALID_FIELD"``, or ``None`` when the failure came from the transport),
    ``message`` the rest of the status details, and ``retryable`` whether the same call may succeed later.
    """

    def __init__(
        self,
        message: str,
        *,
        code: Optional[grpc.StatusCode] = None,
        vigil_code: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        prefix = vigil_code or (code.name if code is not None else "VIGIL_CLIENT")
        super().__init__(f"{prefix}: {message}")
        self.code = code
        self.vigil_code = vigil_code
        self.message = message
        # Seconds Vigil asked us to wait (its grpc-retry-pushback-ms trailer), when it said.
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        # A RESOURCE_EXHAUSTED is retryable only for the catalogue's rate limits and full queues, not
        # for hard bounds (a too-large request, too many components).
        return self.vigil_code in RETRYABLE_CODES or self.code in _RETRYABLE_STATUSES


class InvalidArgumentError(VigilError):
    """INVALID_ARGUMENT: a field is wrong; the message names it. Never retried."""


class UnauthenticatedError(VigilError):
    """UNAUTHENTICATED: the bearer token is missing or wrong (set ``token=`` or ``VIGIL_TOKEN``)."""


class PermissionDeniedError(VigilError):
    """PERMISSION_DENIED: the token may not make this call (admin calls need the admin token)."""


class NotFoundError(VigilError):
    """NOT_FOUND: an unknown destination or alert."""


class FailedPreconditionError(VigilError):
    """FAILED_PRECONDITION: e.g. subscribing to a destination that is not of kind subscriber."""


class ResourceExhaustedError(VigilError):
    """RESOURCE_EXHAUSTED: a rate limit or a full queue (retryable) or a hard bound (not)."""


class UnavailableError(VigilError):
    """UNAVAILABLE: Vigil is not reachable, restarting or shutting down."""


class DeadlineExceededError(VigilError):
    """DEADLINE_EXCEEDED: no answer within the call's timeout."""


class InternalError(VigilError):
    """INTERNAL: Vigil failed unexpectedly (its log has the details)."""


_BY_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.INTERNAL: InternalError,
}


def _pushback(trailers: object) -> Optional[float]:
    for key, value in trailers or ():  # type: ignore[attr-defined]
        if key == "grpc-retry-pushback-ms":
            try:
                return max(0.0, int(value) / 1000.0)
            except (TypeError, ValueError):
                return None
    return None


def from_rpc_error(e: grpc.RpcError) -> VigilError:
    """The VigilError subclass for a failed grpc call (sync or ``grpc.aio``)."""
    code = e.code() if hasattr(e, "code") else None  # type: ignore[attr-defined]
    details = (e.details() if hasattr(e, "details") else None) or ""  # type: ignore[attr-defined]
    try:
        trailers = e.trailing_metadata() if hasattr(e, "trailing_metadata") else None  # type: ignore[attr-defined]
    except Exception:  # a call that never started has no trailers
        trailers = None
    m = _DETAILS.match(details)
    vigil_code, message = (m.group(1), m.group(2)) if m else (None, details or "call failed")
    cls = _BY_STATUS.get(code, VigilError) if code is not None else VigilError
    return cls(message, code=code, vigil_code=vigil_code, retry_after=_pushback(trailers))


# The statuses of the refusals a PublishBatch result can carry: the same as a single Publish's for
# these catalogue codes (src/errors.ts), so a refused message raises the same class either way.
_RESULT_STATUS = {
    "VIGIL_ERR_REQUEST_INVALID_FIELD": grpc.StatusCode.INVALID_ARGUMENT,
    "VIGIL_ERR_SERVER_SHUTTING_DOWN": grpc.StatusCode.UNAVAILABLE,
    "VIGIL_ERR_SERVER_OVERLOADED": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "VIGIL_ERR_SERVER_INTERNAL": grpc.StatusCode.INTERNAL,
    "VIGIL_ERR_ROUTER_QUEUE_FULL": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "VIGIL_ERR_ROUTER_RATE_LIMITED": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "VIGIL_ERR_ROUTER_STORAGE": grpc.StatusCode.UNAVAILABLE,
    "VIGIL_ERR_ROUTER_DISK_FULL": grpc.StatusCode.RESOURCE_EXHAUSTED,
}


def from_publish_result(vigil_code: str, message: str, retryable: bool) -> VigilError:
    """The VigilError of a message a PublishBatch call refused alone (its result's code and message).

    A code newer than this client gets its status from the result's ``retryable`` flag."""
    code = _RESULT_STATUS.get(vigil_code)
    if code is None:
        code = grpc.StatusCode.UNAVAILABLE if retryable else grpc.StatusCode.UNKNOWN
    cls = _BY_STATUS.get(code, VigilError)
    return cls(message or "refused", code=code, vigil_code=vigil_code)
