// Original file: proto/vigil/v1/admin.proto

import type { CircuitState as _vigil_v1_CircuitState, CircuitState__Output as _vigil_v1_CircuitState__Output } from '../../vigil/v1/CircuitState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { DestinationFault as _vigil_v1_DestinationFault, DestinationFault__Output as _vigil_v1_DestinationFault__Output } from '../../vigil/v1/DestinationFault.js';
import type { Long } from '@grpc/proto-loader';

export interface DestinationStatus {
  'name'?: (string);
  'kind'?: (string);
  'circuit_state'?: (_vigil_v1_CircuitState);
  'queue_depth'?: (number | string | Long);
  'queue_bytes'?: (number | string | Long);
  'paused'?: (boolean);
  'delivered'?: (number | string | Long);
  'failed'?: (number | string | Long);
  'dead_lettered'?: (number | string | Long);
  /**
   * False when disabled in config: messages are queued, not delivered.
   */
  'enabled'?: (boolean);
  /**
   * The circuit is not closed, or the last delivery attempts failed.
   */
  'degraded'?: (boolean);
  'in_flight'?: (number);
  /**
   * Connected Subscribe streams (subscriber destinations).
   */
  'subscribers'?: (number);
  'last_delivery'?: (_google_protobuf_Timestamp | null);
  /**
   * The last delivery failures, oldest first.
   */
  'recent_faults'?: (_vigil_v1_DestinationFault)[];
}

export interface DestinationStatus__Output {
  'name'?: (string);
  'kind'?: (string);
  'circuit_state'?: (_vigil_v1_CircuitState__Output);
  'queue_depth'?: (number);
  'queue_bytes'?: (number);
  'paused'?: (boolean);
  'delivered'?: (number);
  'failed'?: (number);
  'dead_lettered'?: (number);
  /**
   * False when disabled in config: messages are queued, not delivered.
   */
  'enabled'?: (boolean);
  /**
   * The circuit is not closed, or the last delivery attempts failed.
   */
  'degraded'?: (boolean);
  'in_flight'?: (number);
  /**
   * Connected Subscribe streams (subscriber destinations).
   */
  'subscribers'?: (number);
  'last_delivery'?: (_google_protobuf_Timestamp__Output);
  /**
   * The last delivery failures, oldest first.
   */
  'recent_faults': (_vigil_v1_DestinationFault__Output)[];
}
