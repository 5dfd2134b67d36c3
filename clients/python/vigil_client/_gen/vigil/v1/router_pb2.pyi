from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
PRIORITY_CRITICAL: Priority
PRIORITY_HIGH: Priority
PRIORITY_LOW: Priority
PRIORITY_NORMAL: Priority
PRIORITY_UNSPECIFIED: Priority

class AckRequest(_message.Message):
    __slots__ = ["destination", "message_ids", "nack_ids"]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    NACK_IDS_FIELD_NUMBER: _ClassVar[int]
    destination: str
    message_ids: _containers.RepeatedScalarFieldContainer[str]
    nack_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, destination: _Optional[str] = ..., message_ids: _Optional[_Iterable[str]] = ..., nack_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AckResponse(_message.Message):
    __slots__ = ["acked", "nacked", "unknown_ids"]
    ACKED_FIELD_NUMBER: _ClassVar[int]
    NACKED_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_IDS_FIELD_NUMBER: _ClassVar[int]
    acked: int
    nacked: int
    unknown_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, acked: _Optional[int] = ..., nacked: _Optional[int] = ..., unknown_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ["attempt", "attributes", "content_type", "idempotency_key", "message_id", "payload", "priority", "published_at", "topic", "traceparent"]
    class AttributesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    attempt: int
    attributes: _containers.ScalarMap[str, str]
    content_type: str
    idempotency_key: str
    message_id: str
    payload: bytes
    priority: Priority
    published_at: _timestamp_pb2.Timestamp
    topic: str
    traceparent: str
    def __init__(self, message_id: _Optional[str] = ..., topic: _Optional[str] = ..., payload: _Optional[bytes] = ..., content_type: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., priority: _Optional[_Union[Priority, str]] = ..., attempt: _Optional[int] = ..., traceparent: _Optional[str] = ..., published_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class PublishBatchRequest(_message.Message):
    __slots__ = ["messages"]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[PublishRequest]
    def __init__(self, messages: _Optional[_Iterable[_Union[PublishRequest, _Mapping]]] = ...) -> None: ...

class PublishBatchResponse(_message.Message):
    __slots__ = ["results"]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[PublishResult]
    def __init__(self, results: _Optional[_Iterable[_Union[PublishResult, _Mapping]]] = ...) -> None: ...

class PublishRequest(_message.Message):
    __slots__ = ["attributes", "content_type", "idempotency_key", "payload", "priority", "topic", "ttl"]
    class AttributesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    attributes: _containers.ScalarMap[str, str]
    content_type: str
    idempotency_key: str
    payload: bytes
    priority: Priority
    topic: str
    ttl: _duration_pb2.Duration
    def __init__(self, topic: _Optional[str] = ..., payload: _Optional[bytes] = ..., content_type: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., priority: _Optional[_Union[Priority, str]] = ..., idempotency_key: _Optional[str] = ..., ttl: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class PublishResponse(_message.Message):
    __slots__ = ["duplicate", "message_id", "routed"]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    ROUTED_FIELD_NUMBER: _ClassVar[int]
    duplicate: bool
    message_id: str
    routed: int
    def __init__(self, message_id: _Optional[str] = ..., duplicate: bool = ..., routed: _Optional[int] = ...) -> None: ...

class PublishResult(_message.Message):
    __slots__ = ["code", "duplicate", "message", "message_id", "retryable", "routed"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    ROUTED_FIELD_NUMBER: _ClassVar[int]
    code: str
    duplicate: bool
    message: str
    message_id: str
    retryable: bool
    routed: int
    def __init__(self, message_id: _Optional[str] = ..., duplicate: bool = ..., routed: _Optional[int] = ..., code: _Optional[str] = ..., message: _Optional[str] = ..., retryable: bool = ...) -> None: ...

class SubscribeBatchesRequest(_message.Message):
    __slots__ = ["destination", "max_batch", "max_in_flight"]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    MAX_BATCH_FIELD_NUMBER: _ClassVar[int]
    MAX_IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    destination: str
    max_batch: int
    max_in_flight: int
    def __init__(self, destination: _Optional[str] = ..., max_in_flight: _Optional[int] = ..., max_batch: _Optional[int] = ...) -> None: ...

class SubscribeBatchesResponse(_message.Message):
    __slots__ = ["deliveries"]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    def __init__(self, deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ["destination", "max_in_flight"]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    MAX_IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    destination: str
    max_in_flight: int
    def __init__(self, destination: _Optional[str] = ..., max_in_flight: _Optional[int] = ...) -> None: ...

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
