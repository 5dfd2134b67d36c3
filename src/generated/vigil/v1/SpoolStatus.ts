// Original file: proto/vigil/v1/admin.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { CircuitState as _vigil_v1_CircuitState, CircuitState__Output as _vigil_v1_CircuitState__Output } from '../../vigil/v1/CircuitState.js';
import type { Long } from '@grpc/proto-loader';

export interface SpoolStatus {
  /**
   * traces, metrics or logs.
   */
  'signal'?: (string);
  /**
   * OTLP requests waiting to be forwarded.
   */
  'depth'?: (number | string | Long);
  'bytes'?: (number | string | Long);
  'oldest_age'?: (_google_protobuf_Duration | null);
  'exported'?: (number | string | Long);
  'failed'?: (number | string | Long);
  'dropped'?: (number | string | Long);
  'circuit_state'?: (_vigil_v1_CircuitState);
  'last_error'?: (string);
}

export interface SpoolStatus__Output {
  /**
   * traces, metrics or logs.
   */
  'signal'?: (string);
  /**
   * OTLP requests waiting to be forwarded.
   */
  'depth'?: (number);
  'bytes'?: (number);
  'oldest_age'?: (_google_protobuf_Duration__Output);
  'exported'?: (number);
  'failed'?: (number);
  'dropped'?: (number);
  'circuit_state'?: (_vigil_v1_CircuitState__Output);
  'last_error'?: (string);
}
