from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

COMPONENT_STATE_DOWN: ComponentState
COMPONENT_STATE_LATE: ComponentState
COMPONENT_STATE_UNKNOWN: ComponentState
COMPONENT_STATE_UNSPECIFIED: ComponentState
COMPONENT_STATE_UP: ComponentState
DESCRIPTOR: _descriptor.FileDescriptor
HEALTH_DEGRADED: Health
HEALTH_FAILING: Health
HEALTH_OK: Health
HEALTH_UNSPECIFIED: Health
OVERALL_STATUS_DEGRADED: OverallStatus
OVERALL_STATUS_DOWN: OverallStatus
OVERALL_STATUS_HEALTHY: OverallStatus
OVERALL_STATUS_UNKNOWN: OverallStatus
OVERALL_STATUS_UNSPECIFIED: OverallStatus
SIGNAL_ALIVE: Signal
SIGNAL_FAIL: Signal
SIGNAL_START: Signal
SIGNAL_SUCCESS: Signal
SIGNAL_UNSPECIFIED: Signal

class BeatRequest(_message.Message):
    __slots__ = ["attributes", "component", "exit_code", "grace", "health", "interval", "message", "run_id", "signal"]
    class AttributesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    GRACE_FIELD_NUMBER: _ClassVar[int]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    attributes: _containers.ScalarMap[str, str]
    component: str
    exit_code: int
    grace: _duration_pb2.Duration
    health: Health
    interval: _duration_pb2.Duration
    message: str
    run_id: str
    signal: Signal
    def __init__(self, component: _Optional[str] = ..., health: _Optional[_Union[Health, str]] = ..., message: _Optional[str] = ..., interval: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., grace: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., attributes: _Optional[_Mapping[str, str]] = ..., signal: _Optional[_Union[Signal, str]] = ..., run_id: _Optional[str] = ..., exit_code: _Optional[int] = ...) -> None: ...

class BeatResponse(_message.Message):
    __slots__ = ["deadline", "state"]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    deadline: _timestamp_pb2.Timestamp
    state: ComponentState
    def __init__(self, state: _Optional[_Union[ComponentState, str]] = ..., deadline: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Component(_message.Message):
    __slots__ = ["age", "attributes", "beat_count", "deadline", "declared", "errors", "grace", "health", "interval", "job_running", "last_beat", "message", "name", "registered_at", "schedule", "state", "timezone"]
    class AttributesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    AGE_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    BEAT_COUNT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    DECLARED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    GRACE_FIELD_NUMBER: _ClassVar[int]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    JOB_RUNNING_FIELD_NUMBER: _ClassVar[int]
    LAST_BEAT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    age: _duration_pb2.Duration
    attributes: _containers.ScalarMap[str, str]
    beat_count: int
    deadline: _timestamp_pb2.Timestamp
    declared: bool
    errors: _containers.RepeatedCompositeFieldContainer[ComponentError]
    grace: _duration_pb2.Duration
    health: Health
    interval: _duration_pb2.Duration
    job_running: bool
    last_beat: _timestamp_pb2.Timestamp
    message: str
    name: str
    registered_at: _timestamp_pb2.Timestamp
    schedule: str
    state: ComponentState
    timezone: str
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[ComponentState, str]] = ..., health: _Optional[_Union[Health, str]] = ..., message: _Optional[str] = ..., last_beat: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., age: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., beat_count: _Optional[int] = ..., errors: _Optional[_Iterable[_Union[ComponentError, _Mapping]]] = ..., interval: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., grace: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., deadline: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., attributes: _Optional[_Mapping[str, str]] = ..., schedule: _Optional[str] = ..., timezone: _Optional[str] = ..., job_running: bool = ..., registered_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., declared: bool = ...) -> None: ...

class ComponentError(_message.Message):
    __slots__ = ["health", "message", "state", "time"]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    health: Health
    message: str
    state: ComponentState
    time: _timestamp_pb2.Timestamp
    def __init__(self, time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[str] = ..., health: _Optional[_Union[Health, str]] = ..., state: _Optional[_Union[ComponentState, str]] = ...) -> None: ...

class DeregisterRequest(_message.Message):
    __slots__ = ["component"]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    component: str
    def __init__(self, component: _Optional[str] = ...) -> None: ...

class DeregisterResponse(_message.Message):
    __slots__ = ["found"]
    FOUND_FIELD_NUMBER: _ClassVar[int]
    found: bool
    def __init__(self, found: bool = ...) -> None: ...

class ListComponentsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListComponentsResponse(_message.Message):
    __slots__ = ["components", "status"]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    components: _containers.RepeatedCompositeFieldContainer[Component]
    status: OverallStatus
    def __init__(self, status: _Optional[_Union[OverallStatus, str]] = ..., components: _Optional[_Iterable[_Union[Component, _Mapping]]] = ...) -> None: ...

class Health(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Signal(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ComponentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class OverallStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
