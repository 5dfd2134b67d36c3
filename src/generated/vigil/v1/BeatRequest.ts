// Original file: proto/vigil/v1/heartbeat.proto

import type { Health as _vigil_v1_Health, Health__Output as _vigil_v1_Health__Output } from '../../vigil/v1/Health.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { Signal as _vigil_v1_Signal, Signal__Output as _vigil_v1_Signal__Output } from '../../vigil/v1/Signal.js';

export interface BeatRequest {
  /**
   * Required, [A-Za-z0-9_.:-]{1,128}.
   */
  'component'?: (string);
  'health'?: (_vigil_v1_Health);
  'message'?: (string);
  /**
   * Expected period between beats; default from config (30s).
   */
  'interval'?: (_google_protobuf_Duration | null);
  /**
   * Time past the interval before DOWN; default = interval.
   */
  'grace'?: (_google_protobuf_Duration | null);
  'attributes'?: ({[key: string]: string});
  'signal'?: (_vigil_v1_Signal);
}

export interface BeatRequest__Output {
  /**
   * Required, [A-Za-z0-9_.:-]{1,128}.
   */
  'component'?: (string);
  'health'?: (_vigil_v1_Health__Output);
  'message'?: (string);
  /**
   * Expected period between beats; default from config (30s).
   */
  'interval'?: (_google_protobuf_Duration__Output);
  /**
   * Time past the interval before DOWN; default = interval.
   */
  'grace'?: (_google_protobuf_Duration__Output);
  'attributes': ({[key: string]: string});
  'signal'?: (_vigil_v1_Signal__Output);
}
