from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ALERT_STATE_FIRING: AlertState
ALERT_STATE_PENDING: AlertState
ALERT_STATE_RESOLVED: AlertState
ALERT_STATE_UNSPECIFIED: AlertState
DESCRIPTOR: _descriptor.FileDescriptor
MATCH_OPERATOR_EQUAL: MatchOperator
MATCH_OPERATOR_NOT_EQUAL: MatchOperator
MATCH_OPERATOR_NOT_REGEX: MatchOperator
MATCH_OPERATOR_REGEX: MatchOperator
MATCH_OPERATOR_UNSPECIFIED: MatchOperator
SEVERITY_CRITICAL: Severity
SEVERITY_INFO: Severity
SEVERITY_UNSPECIFIED: Severity
SEVERITY_WARNING: Severity

class AcknowledgeRequest(_message.Message):
    __slots__ = ["by", "comment", "fingerprint"]
    BY_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    by: str
    comment: str
    fingerprint: str
    def __init__(self, fingerprint: _Optional[str] = ..., by: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class AcknowledgeResponse(_message.Message):
    __slots__ = ["alert"]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: Alert
    def __init__(self, alert: _Optional[_Union[Alert, _Mapping]] = ...) -> None: ...

class Acknowledgement(_message.Message):
    __slots__ = ["at", "by", "comment"]
    AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    by: str
    comment: str
    def __init__(self, by: _Optional[str] = ..., at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., comment: _Optional[str] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ["acknowledged", "active_since", "annotations", "fingerprint", "fired_at", "labels", "resolved_at", "rule", "severity", "silenced_by", "state", "value"]
    class AnnotationsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class LabelsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ACKNOWLEDGED_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_SINCE_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    FIRED_AT_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    SILENCED_BY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    acknowledged: Acknowledgement
    active_since: _timestamp_pb2.Timestamp
    annotations: _containers.ScalarMap[str, str]
    fingerprint: str
    fired_at: _timestamp_pb2.Timestamp
    labels: _containers.ScalarMap[str, str]
    resolved_at: _timestamp_pb2.Timestamp
    rule: str
    severity: Severity
    silenced_by: _containers.RepeatedScalarFieldContainer[str]
    state: AlertState
    value: float
    def __init__(self, rule: _Optional[str] = ..., fingerprint: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., annotations: _Optional[_Mapping[str, str]] = ..., severity: _Optional[_Union[Severity, str]] = ..., state: _Optional[_Union[AlertState, str]] = ..., active_since: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledged: _Optional[_Union[Acknowledgement, _Mapping]] = ..., value: _Optional[float] = ..., fired_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., silenced_by: _Optional[_Iterable[str]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ["include_resolved", "since", "states"]
    INCLUDE_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    include_resolved: bool
    since: _timestamp_pb2.Timestamp
    states: _containers.RepeatedScalarFieldContainer[AlertState]
    def __init__(self, states: _Optional[_Iterable[_Union[AlertState, str]]] = ..., include_resolved: bool = ..., since: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ["alerts"]
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ...) -> None: ...

class ListSilencesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListSilencesResponse(_message.Message):
    __slots__ = ["silences"]
    SILENCES_FIELD_NUMBER: _ClassVar[int]
    silences: _containers.RepeatedCompositeFieldContainer[SilenceInfo]
    def __init__(self, silences: _Optional[_Iterable[_Union[SilenceInfo, _Mapping]]] = ...) -> None: ...

class Matcher(_message.Message):
    __slots__ = ["name", "operator", "value"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    operator: MatchOperator
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ..., operator: _Optional[_Union[MatchOperator, str]] = ...) -> None: ...

class ResolveRequest(_message.Message):
    __slots__ = ["by", "comment", "fingerprint"]
    BY_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    by: str
    comment: str
    fingerprint: str
    def __init__(self, fingerprint: _Optional[str] = ..., by: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class ResolveResponse(_message.Message):
    __slots__ = ["alert"]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: Alert
    def __init__(self, alert: _Optional[_Union[Alert, _Mapping]] = ...) -> None: ...

class SilenceInfo(_message.Message):
    __slots__ = ["comment", "created_by", "ends_at", "id", "matchers", "starts_at"]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MATCHERS_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    comment: str
    created_by: str
    ends_at: _timestamp_pb2.Timestamp
    id: str
    matchers: _containers.RepeatedCompositeFieldContainer[Matcher]
    starts_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., matchers: _Optional[_Iterable[_Union[Matcher, _Mapping]]] = ..., starts_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., ends_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., comment: _Optional[str] = ..., created_by: _Optional[str] = ...) -> None: ...

class SilenceRequest(_message.Message):
    __slots__ = ["comment", "created_by", "duration", "matchers"]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    MATCHERS_FIELD_NUMBER: _ClassVar[int]
    comment: str
    created_by: str
    duration: _duration_pb2.Duration
    matchers: _containers.RepeatedCompositeFieldContainer[Matcher]
    def __init__(self, matchers: _Optional[_Iterable[_Union[Matcher, _Mapping]]] = ..., duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., comment: _Optional[str] = ..., created_by: _Optional[str] = ...) -> None: ...

class SilenceResponse(_message.Message):
    __slots__ = ["ends_at", "id"]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    ends_at: _timestamp_pb2.Timestamp
    id: str
    def __init__(self, id: _Optional[str] = ..., ends_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UnsilenceRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class UnsilenceResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AlertState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class MatchOperator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
