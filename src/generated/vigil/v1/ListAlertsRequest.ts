// Original file: proto/vigil/v1/alert.proto

import type { AlertState as _vigil_v1_AlertState, AlertState__Output as _vigil_v1_AlertState__Output } from '../../vigil/v1/AlertState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface ListAlertsRequest {
  /**
   * Only alerts in these states; empty = pending and firing.
   */
  'states'?: (_vigil_v1_AlertState)[];
  /**
   * Also return resolved alerts from the history.
   */
  'include_resolved'?: (boolean);
  /**
   * History starting at this time.
   */
  'since'?: (_google_protobuf_Timestamp | null);
}

export interface ListAlertsRequest__Output {
  /**
   * Only alerts in these states; empty = pending and firing.
   */
  'states': (_vigil_v1_AlertState__Output)[];
  /**
   * Also return resolved alerts from the history.
   */
  'include_resolved'?: (boolean);
  /**
   * History starting at this time.
   */
  'since'?: (_google_protobuf_Timestamp__Output);
}
