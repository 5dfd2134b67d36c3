// Original file: proto/vigil/v1/alert.proto

import type { Severity as _vigil_v1_Severity, Severity__Output as _vigil_v1_Severity__Output } from '../../vigil/v1/Severity.js';
import type { AlertState as _vigil_v1_AlertState, AlertState__Output as _vigil_v1_AlertState__Output } from '../../vigil/v1/AlertState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Acknowledgement as _vigil_v1_Acknowledgement, Acknowledgement__Output as _vigil_v1_Acknowledgement__Output } from '../../vigil/v1/Acknowledgement.js';

export interface Alert {
  'rule'?: (string);
  /**
   * Stable hash of the labels.
   */
  'fingerprint'?: (string);
  /**
   * Always has alertname = the rule's name.
   */
  'labels'?: ({[key: string]: string});
  'annotations'?: ({[key: string]: string});
  'severity'?: (_vigil_v1_Severity);
  'state'?: (_vigil_v1_AlertState);
  'active_since'?: (_google_protobuf_Timestamp | null);
  'acknowledged'?: (_vigil_v1_Acknowledgement | null);
  'value'?: (number | string);
  'fired_at'?: (_google_protobuf_Timestamp | null);
  'resolved_at'?: (_google_protobuf_Timestamp | null);
  /**
   * Ids of the silences that mute this alert.
   */
  'silenced_by'?: (string)[];
}

export interface Alert__Output {
  'rule'?: (string);
  /**
   * Stable hash of the labels.
   */
  'fingerprint'?: (string);
  /**
   * Always has alertname = the rule's name.
   */
  'labels': ({[key: string]: string});
  'annotations': ({[key: string]: string});
  'severity'?: (_vigil_v1_Severity__Output);
  'state'?: (_vigil_v1_AlertState__Output);
  'active_since'?: (_google_protobuf_Timestamp__Output);
  'acknowledged'?: (_vigil_v1_Acknowledgement__Output);
  'value'?: (number);
  'fired_at'?: (_google_protobuf_Timestamp__Output);
  'resolved_at'?: (_google_protobuf_Timestamp__Output);
  /**
   * Ids of the silences that mute this alert.
   */
  'silenced_by': (string)[];
}
