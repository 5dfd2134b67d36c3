// Original file: proto/vigil/v1/admin.proto

import type { OverallStatus as _vigil_v1_OverallStatus, OverallStatus__Output as _vigil_v1_OverallStatus__Output } from '../../vigil/v1/OverallStatus.js';

/**
 * OverallVerdict folds components (as ListComponents does), firing alerts (critical: DOWN,
 * warning: DEGRADED; info does not count) and destinations (a circuit not closed, or dead letters
 * written within the last 5 minutes: DEGRADED). The worst wins; UNKNOWN only while no component has
 * beaten and nothing else is wrong.
 */
export interface OverallVerdict {
  'state'?: (_vigil_v1_OverallStatus);
  /**
   * Why it is not HEALTHY, worst first, e.g. "alert SlowReplies firing (warning)",
   * "destination crm: circuit open"; at most 20.
   */
  'reasons'?: (string)[];
}

/**
 * OverallVerdict folds components (as ListComponents does), firing alerts (critical: DOWN,
 * warning: DEGRADED; info does not count) and destinations (a circuit not closed, or dead letters
 * written within the last 5 minutes: DEGRADED). The worst wins; UNKNOWN only while no component has
 * beaten and nothing else is wrong.
 */
export interface OverallVerdict__Output {
  'state'?: (_vigil_v1_OverallStatus__Output);
  /**
   * Why it is not HEALTHY, worst first, e.g. "alert SlowReplies firing (warning)",
   * "destination crm: circuit open"; at most 20.
   */
  'reasons': (string)[];
}
