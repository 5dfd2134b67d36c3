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
  /**
   * Pairs a job's START with its SUCCESS or FAIL, so concurrent runs of one job each keep their own
   * deadline. Optional; [A-Za-z0-9_.:-]{1,64}.
   */
  'run_id'?: (string);
  /**
   * A job run's exit status: 0 is SUCCESS, anything else FAIL with the message "exit code N".
   */
  'exit_code'?: (number);
  '_exit_code'?: "exit_code";
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
  /**
   * Pairs a job's START with its SUCCESS or FAIL, so concurrent runs of one job each keep their own
   * deadline. Optional; [A-Za-z0-9_.:-]{1,64}.
   */
  'run_id'?: (string);
  /**
   * A job run's exit status: 0 is SUCCESS, anything else FAIL with the message "exit code N".
   */
  'exit_code'?: (number);
  '_exit_code'?: "exit_code";
}
