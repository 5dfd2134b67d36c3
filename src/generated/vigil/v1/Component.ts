// Original file: proto/vigil/v1/heartbeat.proto

import type { ComponentState as _vigil_v1_ComponentState, ComponentState__Output as _vigil_v1_ComponentState__Output } from '../../vigil/v1/ComponentState.js';
import type { Health as _vigil_v1_Health, Health__Output as _vigil_v1_Health__Output } from '../../vigil/v1/Health.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { ComponentError as _vigil_v1_ComponentError, ComponentError__Output as _vigil_v1_ComponentError__Output } from '../../vigil/v1/ComponentError.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Component is one registered or declared component as seen now.
 */
export interface Component {
  'name'?: (string);
  'state'?: (_vigil_v1_ComponentState);
  'health'?: (_vigil_v1_Health);
  'message'?: (string);
  'last_beat'?: (_google_protobuf_Timestamp | null);
  /**
   * Time since the last beat.
   */
  'age'?: (_google_protobuf_Duration | null);
  'beat_count'?: (number | string | Long);
  /**
   * The last 10 errors, newest first.
   */
  'errors'?: (_vigil_v1_ComponentError)[];
  'interval'?: (_google_protobuf_Duration | null);
  'grace'?: (_google_protobuf_Duration | null);
  /**
   * When the component becomes (or became) LATE.
   */
  'deadline'?: (_google_protobuf_Timestamp | null);
  'attributes'?: ({[key: string]: string});
  /**
   * Cron schedule for scheduled components, empty otherwise.
   */
  'schedule'?: (string);
  'timezone'?: (string);
  /**
   * A START was received and no SUCCESS/FAIL yet.
   */
  'job_running'?: (boolean);
  'registered_at'?: (_google_protobuf_Timestamp | null);
  /**
   * True when the component was declared in config.
   */
  'declared'?: (boolean);
}

/**
 * Component is one registered or declared component as seen now.
 */
export interface Component__Output {
  'name'?: (string);
  'state'?: (_vigil_v1_ComponentState__Output);
  'health'?: (_vigil_v1_Health__Output);
  'message'?: (string);
  'last_beat'?: (_google_protobuf_Timestamp__Output);
  /**
   * Time since the last beat.
   */
  'age'?: (_google_protobuf_Duration__Output);
  'beat_count'?: (number);
  /**
   * The last 10 errors, newest first.
   */
  'errors': (_vigil_v1_ComponentError__Output)[];
  'interval'?: (_google_protobuf_Duration__Output);
  'grace'?: (_google_protobuf_Duration__Output);
  /**
   * When the component becomes (or became) LATE.
   */
  'deadline'?: (_google_protobuf_Timestamp__Output);
  'attributes': ({[key: string]: string});
  /**
   * Cron schedule for scheduled components, empty otherwise.
   */
  'schedule'?: (string);
  'timezone'?: (string);
  /**
   * A START was received and no SUCCESS/FAIL yet.
   */
  'job_running'?: (boolean);
  'registered_at'?: (_google_protobuf_Timestamp__Output);
  /**
   * True when the component was declared in config.
   */
  'declared'?: (boolean);
}
