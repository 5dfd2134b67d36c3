from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vigil_client._gen.vigil.v1 import alert_pb2 as _alert_pb2
from vigil_client._gen.vigil.v1 import heartbeat_pb2 as _heartbeat_pb2
from vigil_client._gen.vigil.v1 import router_pb2 as _router_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CHANGE_KIND_ADDED: ChangeKind
CHANGE_KIND_CHANGED: ChangeKind
CHANGE_KIND_REMOVED: ChangeKind
CHANGE_KIND_UNSPECIFIED: ChangeKind
CIRCUIT_STATE_CLOSED: CircuitState
CIRCUIT_STATE_HALF_OPEN: CircuitState
CIRCUIT_STATE_OPEN: CircuitState
CIRCUIT_STATE_UNSPECIFIED: CircuitState
CONFIG_SOURCE_API: ConfigSource
CONFIG_SOURCE_FILE: ConfigSource
CONFIG_SOURCE_IMPORT: ConfigSource
CONFIG_SOURCE_ROLLBACK: ConfigSource
CONFIG_SOURCE_STARTUP: ConfigSource
CONFIG_SOURCE_UNSPECIFIED: ConfigSource
DESCRIPTOR: _descriptor.FileDescriptor
LOG_LEVEL_DEBUG: LogLevel
LOG_LEVEL_ERROR: LogLevel
LOG_LEVEL_FATAL: LogLevel
LOG_LEVEL_INFO: LogLevel
LOG_LEVEL_TRACE: LogLevel
LOG_LEVEL_UNSPECIFIED: LogLevel
LOG_LEVEL_WARN: LogLevel

class CleanerStatus(_message.Message):
    __slots__ = ["last_report", "last_run"]
    LAST_REPORT_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_FIELD_NUMBER: _ClassVar[int]
    last_report: CleanupReport
    last_run: _timestamp_pb2.Timestamp
    def __init__(self, last_run: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., last_report: _Optional[_Union[CleanupReport, _Mapping]] = ...) -> None: ...

class CleanupReport(_message.Message):
    __slots__ = ["bytes_freed", "dry_run", "duration", "errors", "files", "files_deleted"]
    BYTES_FREED_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    FILES_DELETED_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    bytes_freed: int
    dry_run: bool
    duration: _duration_pb2.Duration
    errors: _containers.RepeatedScalarFieldContainer[str]
    files: _containers.RepeatedScalarFieldContainer[str]
    files_deleted: int
    def __init__(self, files_deleted: _Optional[int] = ..., bytes_freed: _Optional[int] = ..., errors: _Optional[_Iterable[str]] = ..., duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., dry_run: bool = ..., files: _Optional[_Iterable[str]] = ...) -> None: ...

class ConfigChange(_message.Message):
    __slots__ = ["after", "before", "kind", "path"]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    after: str
    before: str
    kind: ChangeKind
    path: str
    def __init__(self, path: _Optional[str] = ..., kind: _Optional[_Union[ChangeKind, str]] = ..., before: _Optional[str] = ..., after: _Optional[str] = ...) -> None: ...

class ConfigErrorStatus(_message.Message):
    __slots__ = ["message", "source", "time"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    message: str
    source: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, message: _Optional[str] = ..., time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., source: _Optional[str] = ...) -> None: ...

class ConfigVersion(_message.Message):
    __slots__ = ["applied_at", "by", "description", "error", "hash", "path", "source", "version"]
    APPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    applied_at: _timestamp_pb2.Timestamp
    by: str
    description: str
    error: str
    hash: str
    path: str
    source: ConfigSource
    version: int
    def __init__(self, version: _Optional[int] = ..., hash: _Optional[str] = ..., applied_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., source: _Optional[_Union[ConfigSource, str]] = ..., by: _Optional[str] = ..., description: _Optional[str] = ..., path: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class DestinationFault(_message.Message):
    __slots__ = ["error", "kind", "time"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    error: str
    kind: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., error: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class DestinationStatus(_message.Message):
    __slots__ = ["circuit_state", "dead_lettered", "degraded", "delivered", "enabled", "failed", "in_flight", "kind", "last_delivery", "name", "paused", "queue_bytes", "queue_depth", "recent_faults", "subscribers"]
    CIRCUIT_STATE_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTERED_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LAST_DELIVERY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    QUEUE_BYTES_FIELD_NUMBER: _ClassVar[int]
    QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    RECENT_FAULTS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    circuit_state: CircuitState
    dead_lettered: int
    degraded: bool
    delivered: int
    enabled: bool
    failed: int
    in_flight: int
    kind: str
    last_delivery: _timestamp_pb2.Timestamp
    name: str
    paused: bool
    queue_bytes: int
    queue_depth: int
    recent_faults: _containers.RepeatedCompositeFieldContainer[DestinationFault]
    subscribers: int
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[str] = ..., circuit_state: _Optional[_Union[CircuitState, str]] = ..., queue_depth: _Optional[int] = ..., queue_bytes: _Optional[int] = ..., paused: bool = ..., delivered: _Optional[int] = ..., failed: _Optional[int] = ..., dead_lettered: _Optional[int] = ..., enabled: bool = ..., degraded: bool = ..., in_flight: _Optional[int] = ..., subscribers: _Optional[int] = ..., last_delivery: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., recent_faults: _Optional[_Iterable[_Union[DestinationFault, _Mapping]]] = ...) -> None: ...

class DiagnoseRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DiagnoseResponse(_message.Message):
    __slots__ = ["json"]
    JSON_FIELD_NUMBER: _ClassVar[int]
    json: str
    def __init__(self, json: _Optional[str] = ...) -> None: ...

class DiffConfigRequest(_message.Message):
    __slots__ = ["to"]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    to: int
    def __init__(self, to: _Optional[int] = ..., **kwargs) -> None: ...

class DiffConfigResponse(_message.Message):
    __slots__ = ["changes"]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[ConfigChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[ConfigChange, _Mapping]]] = ...) -> None: ...

class ExportConfigRequest(_message.Message):
    __slots__ = ["version"]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: int
    def __init__(self, version: _Optional[int] = ...) -> None: ...

class ExportConfigResponse(_message.Message):
    __slots__ = ["config_version", "yaml"]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    YAML_FIELD_NUMBER: _ClassVar[int]
    config_version: ConfigVersion
    yaml: str
    def __init__(self, yaml: _Optional[str] = ..., config_version: _Optional[_Union[ConfigVersion, _Mapping]] = ...) -> None: ...

class GetStatusRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetStatusResponse(_message.Message):
    __slots__ = ["bot_name", "cleaner", "components", "config_error", "config_version", "data_dir", "data_dir_bytes", "destinations", "draining", "firing_alerts", "log_writer", "metrics", "overall", "process", "spool", "started_at", "status", "tasks", "uptime", "version"]
    BOT_NAME_FIELD_NUMBER: _ClassVar[int]
    CLEANER_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_ERROR_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    DATA_DIR_BYTES_FIELD_NUMBER: _ClassVar[int]
    DATA_DIR_FIELD_NUMBER: _ClassVar[int]
    DESTINATIONS_FIELD_NUMBER: _ClassVar[int]
    DRAINING_FIELD_NUMBER: _ClassVar[int]
    FIRING_ALERTS_FIELD_NUMBER: _ClassVar[int]
    LOG_WRITER_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    OVERALL_FIELD_NUMBER: _ClassVar[int]
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    SPOOL_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    UPTIME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    bot_name: str
    cleaner: CleanerStatus
    components: _containers.RepeatedCompositeFieldContainer[_heartbeat_pb2.Component]
    config_error: ConfigErrorStatus
    config_version: ConfigVersion
    data_dir: str
    data_dir_bytes: int
    destinations: _containers.RepeatedCompositeFieldContainer[DestinationStatus]
    draining: bool
    firing_alerts: _containers.RepeatedCompositeFieldContainer[_alert_pb2.Alert]
    log_writer: LogWriterStatus
    metrics: MetricsIngestStatus
    overall: OverallVerdict
    process: ProcessStatus
    spool: _containers.RepeatedCompositeFieldContainer[SpoolStatus]
    started_at: _timestamp_pb2.Timestamp
    status: _heartbeat_pb2.OverallStatus
    tasks: _containers.RepeatedCompositeFieldContainer[TaskStatus]
    uptime: _duration_pb2.Duration
    version: str
    def __init__(self, version: _Optional[str] = ..., uptime: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., config_version: _Optional[_Union[ConfigVersion, _Mapping]] = ..., status: _Optional[_Union[_heartbeat_pb2.OverallStatus, str]] = ..., components: _Optional[_Iterable[_Union[_heartbeat_pb2.Component, _Mapping]]] = ..., destinations: _Optional[_Iterable[_Union[DestinationStatus, _Mapping]]] = ..., firing_alerts: _Optional[_Iterable[_Union[_alert_pb2.Alert, _Mapping]]] = ..., log_writer: _Optional[_Union[LogWriterStatus, _Mapping]] = ..., cleaner: _Optional[_Union[CleanerStatus, _Mapping]] = ..., tasks: _Optional[_Iterable[_Union[TaskStatus, _Mapping]]] = ..., started_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., data_dir: _Optional[str] = ..., data_dir_bytes: _Optional[int] = ..., process: _Optional[_Union[ProcessStatus, _Mapping]] = ..., metrics: _Optional[_Union[MetricsIngestStatus, _Mapping]] = ..., bot_name: _Optional[str] = ..., draining: bool = ..., spool: _Optional[_Iterable[_Union[SpoolStatus, _Mapping]]] = ..., overall: _Optional[_Union[OverallVerdict, _Mapping]] = ..., config_error: _Optional[_Union[ConfigErrorStatus, _Mapping]] = ...) -> None: ...

class ImportConfigRequest(_message.Message):
    __slots__ = ["description", "yaml"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    YAML_FIELD_NUMBER: _ClassVar[int]
    description: str
    yaml: str
    def __init__(self, yaml: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class ImportConfigResponse(_message.Message):
    __slots__ = ["changed", "changes", "config_version", "restart_required", "warning"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESTART_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    changes: _containers.RepeatedCompositeFieldContainer[ConfigChange]
    config_version: ConfigVersion
    restart_required: _containers.RepeatedScalarFieldContainer[str]
    warning: str
    def __init__(self, changed: bool = ..., config_version: _Optional[_Union[ConfigVersion, _Mapping]] = ..., changes: _Optional[_Iterable[_Union[ConfigChange, _Mapping]]] = ..., warning: _Optional[str] = ..., restart_required: _Optional[_Iterable[str]] = ...) -> None: ...

class ListConfigVersionsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListConfigVersionsResponse(_message.Message):
    __slots__ = ["running_version", "versions"]
    RUNNING_VERSION_FIELD_NUMBER: _ClassVar[int]
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    running_version: int
    versions: _containers.RepeatedCompositeFieldContainer[ConfigVersion]
    def __init__(self, versions: _Optional[_Iterable[_Union[ConfigVersion, _Mapping]]] = ..., running_version: _Optional[int] = ...) -> None: ...

class LogRecord(_message.Message):
    __slots__ = ["component", "file", "json", "level", "message", "span_id", "time", "trace_id"]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SPAN_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    component: str
    file: str
    json: str
    level: LogLevel
    message: str
    span_id: str
    time: _timestamp_pb2.Timestamp
    trace_id: str
    def __init__(self, time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., level: _Optional[_Union[LogLevel, str]] = ..., message: _Optional[str] = ..., component: _Optional[str] = ..., json: _Optional[str] = ..., trace_id: _Optional[str] = ..., span_id: _Optional[str] = ..., file: _Optional[str] = ...) -> None: ...

class LogWriterStatus(_message.Message):
    __slots__ = ["bytes_written", "dropped", "file", "records"]
    BYTES_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    bytes_written: int
    dropped: int
    file: str
    records: int
    def __init__(self, file: _Optional[str] = ..., records: _Optional[int] = ..., dropped: _Optional[int] = ..., bytes_written: _Optional[int] = ...) -> None: ...

class MetricsIngestStatus(_message.Message):
    __slots__ = ["instruments", "overflowed_points", "points_accepted", "points_rejected", "series"]
    INSTRUMENTS_FIELD_NUMBER: _ClassVar[int]
    OVERFLOWED_POINTS_FIELD_NUMBER: _ClassVar[int]
    POINTS_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    POINTS_REJECTED_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    instruments: int
    overflowed_points: int
    points_accepted: int
    points_rejected: int
    series: int
    def __init__(self, instruments: _Optional[int] = ..., series: _Optional[int] = ..., points_accepted: _Optional[int] = ..., points_rejected: _Optional[int] = ..., overflowed_points: _Optional[int] = ...) -> None: ...

class OverallVerdict(_message.Message):
    __slots__ = ["reasons", "state"]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    reasons: _containers.RepeatedScalarFieldContainer[str]
    state: _heartbeat_pb2.OverallStatus
    def __init__(self, state: _Optional[_Union[_heartbeat_pb2.OverallStatus, str]] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class PauseDestinationRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PauseDestinationResponse(_message.Message):
    __slots__ = ["destination"]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    destination: DestinationStatus
    def __init__(self, destination: _Optional[_Union[DestinationStatus, _Mapping]] = ...) -> None: ...

class PeekQueueRequest(_message.Message):
    __slots__ = ["destination", "limit", "priority"]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    destination: str
    limit: int
    priority: _router_pb2.Priority
    def __init__(self, destination: _Optional[str] = ..., limit: _Optional[int] = ..., priority: _Optional[_Union[_router_pb2.Priority, str]] = ...) -> None: ...

class PeekQueueResponse(_message.Message):
    __slots__ = ["depth", "messages"]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    depth: int
    messages: _containers.RepeatedCompositeFieldContainer[QueuedMessageInfo]
    def __init__(self, messages: _Optional[_Iterable[_Union[QueuedMessageInfo, _Mapping]]] = ..., depth: _Optional[int] = ...) -> None: ...

class ProcessStatus(_message.Message):
    __slots__ = ["cpu_utilization", "event_loop_delay_p99_ms", "heap_used_bytes", "pid", "rss_bytes"]
    CPU_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    EVENT_LOOP_DELAY_P99_MS_FIELD_NUMBER: _ClassVar[int]
    HEAP_USED_BYTES_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    RSS_BYTES_FIELD_NUMBER: _ClassVar[int]
    cpu_utilization: float
    event_loop_delay_p99_ms: float
    heap_used_bytes: int
    pid: int
    rss_bytes: int
    def __init__(self, pid: _Optional[int] = ..., rss_bytes: _Optional[int] = ..., heap_used_bytes: _Optional[int] = ..., event_loop_delay_p99_ms: _Optional[float] = ..., cpu_utilization: _Optional[float] = ...) -> None: ...

class QueryLogsRequest(_message.Message):
    __slots__ = ["component", "contains", "level", "limit", "newest_first", "to"]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    CONTAINS_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    NEWEST_FIRST_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    component: str
    contains: str
    level: LogLevel
    limit: int
    newest_first: bool
    to: _timestamp_pb2.Timestamp
    def __init__(self, to: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., level: _Optional[_Union[LogLevel, str]] = ..., contains: _Optional[str] = ..., limit: _Optional[int] = ..., component: _Optional[str] = ..., newest_first: bool = ..., **kwargs) -> None: ...

class QueuedMessageInfo(_message.Message):
    __slots__ = ["age", "attempts", "in_delivery", "message_id", "next_attempt", "priority", "published_at", "size_bytes", "topic"]
    AGE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    IN_DELIVERY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    age: _duration_pb2.Duration
    attempts: int
    in_delivery: bool
    message_id: str
    next_attempt: _timestamp_pb2.Timestamp
    priority: _router_pb2.Priority
    published_at: _timestamp_pb2.Timestamp
    size_bytes: int
    topic: str
    def __init__(self, message_id: _Optional[str] = ..., topic: _Optional[str] = ..., priority: _Optional[_Union[_router_pb2.Priority, str]] = ..., published_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., age: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., attempts: _Optional[int] = ..., size_bytes: _Optional[int] = ..., next_attempt: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., in_delivery: bool = ...) -> None: ...

class RedriveDeadLettersRequest(_message.Message):
    __slots__ = ["destination", "limit"]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    destination: str
    limit: int
    def __init__(self, destination: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class RedriveDeadLettersResponse(_message.Message):
    __slots__ = ["redriven"]
    REDRIVEN_FIELD_NUMBER: _ClassVar[int]
    redriven: int
    def __init__(self, redriven: _Optional[int] = ...) -> None: ...

class ReloadConfigRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ReloadConfigResponse(_message.Message):
    __slots__ = ["changed", "changes", "config_version", "restart_required"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESTART_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    changes: _containers.RepeatedCompositeFieldContainer[ConfigChange]
    config_version: ConfigVersion
    restart_required: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, changed: bool = ..., config_version: _Optional[_Union[ConfigVersion, _Mapping]] = ..., restart_required: _Optional[_Iterable[str]] = ..., changes: _Optional[_Iterable[_Union[ConfigChange, _Mapping]]] = ...) -> None: ...

class ResumeDestinationRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ResumeDestinationResponse(_message.Message):
    __slots__ = ["destination"]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    destination: DestinationStatus
    def __init__(self, destination: _Optional[_Union[DestinationStatus, _Mapping]] = ...) -> None: ...

class RollbackConfigRequest(_message.Message):
    __slots__ = ["version"]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: int
    def __init__(self, version: _Optional[int] = ...) -> None: ...

class RollbackConfigResponse(_message.Message):
    __slots__ = ["changed", "changes", "config_version", "restart_required", "warning"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESTART_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    changes: _containers.RepeatedCompositeFieldContainer[ConfigChange]
    config_version: ConfigVersion
    restart_required: _containers.RepeatedScalarFieldContainer[str]
    warning: str
    def __init__(self, config_version: _Optional[_Union[ConfigVersion, _Mapping]] = ..., warning: _Optional[str] = ..., changes: _Optional[_Iterable[_Union[ConfigChange, _Mapping]]] = ..., changed: bool = ..., restart_required: _Optional[_Iterable[str]] = ...) -> None: ...

class RunCleanupRequest(_message.Message):
    __slots__ = ["dry_run"]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    dry_run: bool
    def __init__(self, dry_run: bool = ...) -> None: ...

class RunCleanupResponse(_message.Message):
    __slots__ = ["report"]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: CleanupReport
    def __init__(self, report: _Optional[_Union[CleanupReport, _Mapping]] = ...) -> None: ...

class SpoolStatus(_message.Message):
    __slots__ = ["bytes", "circuit_state", "depth", "dropped", "exported", "failed", "last_error", "oldest_age", "signal"]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    CIRCUIT_STATE_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    OLDEST_AGE_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    bytes: int
    circuit_state: CircuitState
    depth: int
    dropped: int
    exported: int
    failed: int
    last_error: str
    oldest_age: _duration_pb2.Duration
    signal: str
    def __init__(self, signal: _Optional[str] = ..., depth: _Optional[int] = ..., bytes: _Optional[int] = ..., oldest_age: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., exported: _Optional[int] = ..., failed: _Optional[int] = ..., dropped: _Optional[int] = ..., circuit_state: _Optional[_Union[CircuitState, str]] = ..., last_error: _Optional[str] = ...) -> None: ...

class TaskStatus(_message.Message):
    __slots__ = ["failures", "interval", "last_duration", "last_error", "last_run", "name", "running", "runs"]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    LAST_DURATION_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RUNNING_FIELD_NUMBER: _ClassVar[int]
    RUNS_FIELD_NUMBER: _ClassVar[int]
    failures: int
    interval: _duration_pb2.Duration
    last_duration: _duration_pb2.Duration
    last_error: str
    last_run: _timestamp_pb2.Timestamp
    name: str
    running: bool
    runs: int
    def __init__(self, name: _Optional[str] = ..., interval: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., last_run: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., last_duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., last_error: _Optional[str] = ..., runs: _Optional[int] = ..., failures: _Optional[int] = ..., running: bool = ...) -> None: ...

class ConfigSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class CircuitState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class LogLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
