// Original file: proto/vigil/v1/admin.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { ConfigVersion as _vigil_v1_ConfigVersion, ConfigVersion__Output as _vigil_v1_ConfigVersion__Output } from '../../vigil/v1/ConfigVersion.js';
import type { OverallStatus as _vigil_v1_OverallStatus, OverallStatus__Output as _vigil_v1_OverallStatus__Output } from '../../vigil/v1/OverallStatus.js';
import type { Component as _vigil_v1_Component, Component__Output as _vigil_v1_Component__Output } from '../../vigil/v1/Component.js';
import type { DestinationStatus as _vigil_v1_DestinationStatus, DestinationStatus__Output as _vigil_v1_DestinationStatus__Output } from '../../vigil/v1/DestinationStatus.js';
import type { Alert as _vigil_v1_Alert, Alert__Output as _vigil_v1_Alert__Output } from '../../vigil/v1/Alert.js';
import type { LogWriterStatus as _vigil_v1_LogWriterStatus, LogWriterStatus__Output as _vigil_v1_LogWriterStatus__Output } from '../../vigil/v1/LogWriterStatus.js';
import type { CleanerStatus as _vigil_v1_CleanerStatus, CleanerStatus__Output as _vigil_v1_CleanerStatus__Output } from '../../vigil/v1/CleanerStatus.js';
import type { TaskStatus as _vigil_v1_TaskStatus, TaskStatus__Output as _vigil_v1_TaskStatus__Output } from '../../vigil/v1/TaskStatus.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { ProcessStatus as _vigil_v1_ProcessStatus, ProcessStatus__Output as _vigil_v1_ProcessStatus__Output } from '../../vigil/v1/ProcessStatus.js';
import type { MetricsIngestStatus as _vigil_v1_MetricsIngestStatus, MetricsIngestStatus__Output as _vigil_v1_MetricsIngestStatus__Output } from '../../vigil/v1/MetricsIngestStatus.js';
import type { SpoolStatus as _vigil_v1_SpoolStatus, SpoolStatus__Output as _vigil_v1_SpoolStatus__Output } from '../../vigil/v1/SpoolStatus.js';
import type { OverallVerdict as _vigil_v1_OverallVerdict, OverallVerdict__Output as _vigil_v1_OverallVerdict__Output } from '../../vigil/v1/OverallVerdict.js';
import type { ConfigErrorStatus as _vigil_v1_ConfigErrorStatus, ConfigErrorStatus__Output as _vigil_v1_ConfigErrorStatus__Output } from '../../vigil/v1/ConfigErrorStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface GetStatusResponse {
  'version'?: (string);
  'uptime'?: (_google_protobuf_Duration | null);
  'config_version'?: (_vigil_v1_ConfigVersion | null);
  'status'?: (_vigil_v1_OverallStatus);
  'components'?: (_vigil_v1_Component)[];
  'destinations'?: (_vigil_v1_DestinationStatus)[];
  'firing_alerts'?: (_vigil_v1_Alert)[];
  'log_writer'?: (_vigil_v1_LogWriterStatus | null);
  'cleaner'?: (_vigil_v1_CleanerStatus | null);
  'tasks'?: (_vigil_v1_TaskStatus)[];
  'started_at'?: (_google_protobuf_Timestamp | null);
  'data_dir'?: (string);
  'data_dir_bytes'?: (number | string | Long);
  'process'?: (_vigil_v1_ProcessStatus | null);
  'metrics'?: (_vigil_v1_MetricsIngestStatus | null);
  /**
   * service.name of the bot workload.
   */
  'bot_name'?: (string);
  /**
   * True while shutting down.
   */
  'draining'?: (boolean);
  /**
   * The OTLP spool per signal (traces, metrics, logs); empty when the OTLP receiver is off.
   */
  'spool'?: (_vigil_v1_SpoolStatus)[];
  /**
   * The one verdict: components, firing alerts and destinations folded (status above folds components only).
   */
  'overall'?: (_vigil_v1_OverallVerdict | null);
  /**
   * The last rejected reload of the config file (watcher, SIGHUP, ReloadConfig), until a good one;
   * unset when the file's last reload was good. The running config stays in effect meanwhile.
   */
  'config_error'?: (_vigil_v1_ConfigErrorStatus | null);
}

export interface GetStatusResponse__Output {
  'version'?: (string);
  'uptime'?: (_google_protobuf_Duration__Output);
  'config_version'?: (_vigil_v1_ConfigVersion__Output);
  'status'?: (_vigil_v1_OverallStatus__Output);
  'components': (_vigil_v1_Component__Output)[];
  'destinations': (_vigil_v1_DestinationStatus__Output)[];
  'firing_alerts': (_vigil_v1_Alert__Output)[];
  'log_writer'?: (_vigil_v1_LogWriterStatus__Output);
  'cleaner'?: (_vigil_v1_CleanerStatus__Output);
  'tasks': (_vigil_v1_TaskStatus__Output)[];
  'started_at'?: (_google_protobuf_Timestamp__Output);
  'data_dir'?: (string);
  'data_dir_bytes'?: (number);
  'process'?: (_vigil_v1_ProcessStatus__Output);
  'metrics'?: (_vigil_v1_MetricsIngestStatus__Output);
  /**
   * service.name of the bot workload.
   */
  'bot_name'?: (string);
  /**
   * True while shutting down.
   */
  'draining'?: (boolean);
  /**
   * The OTLP spool per signal (traces, metrics, logs); empty when the OTLP receiver is off.
   */
  'spool': (_vigil_v1_SpoolStatus__Output)[];
  /**
   * The one verdict: components, firing alerts and destinations folded (status above folds components only).
   */
  'overall'?: (_vigil_v1_OverallVerdict__Output);
  /**
   * The last rejected reload of the config file (watcher, SIGHUP, ReloadConfig), until a good one;
   * unset when the file's last reload was good. The running config stays in effect meanwhile.
   */
  'config_error'?: (_vigil_v1_ConfigErrorStatus__Output);
}
