// Original file: proto/vigil/v1/heartbeat.proto

/**
 * OverallStatus summarises all components.
 */
export const OverallStatus = {
  OVERALL_STATUS_UNSPECIFIED: 'OVERALL_STATUS_UNSPECIFIED',
  OVERALL_STATUS_HEALTHY: 'OVERALL_STATUS_HEALTHY',
  /**
   * Some component is LATE or DEGRADED.
   */
  OVERALL_STATUS_DEGRADED: 'OVERALL_STATUS_DEGRADED',
  /**
   * Some component is DOWN or FAILING.
   */
  OVERALL_STATUS_DOWN: 'OVERALL_STATUS_DOWN',
  /**
   * No component has beaten yet.
   */
  OVERALL_STATUS_UNKNOWN: 'OVERALL_STATUS_UNKNOWN',
} as const;

/**
 * OverallStatus summarises all components.
 */
export type OverallStatus =
  | 'OVERALL_STATUS_UNSPECIFIED'
  | 0
  | 'OVERALL_STATUS_HEALTHY'
  | 1
  /**
   * Some component is LATE or DEGRADED.
   */
  | 'OVERALL_STATUS_DEGRADED'
  | 2
  /**
   * Some component is DOWN or FAILING.
   */
  | 'OVERALL_STATUS_DOWN'
  | 3
  /**
   * No component has beaten yet.
   */
  | 'OVERALL_STATUS_UNKNOWN'
  | 4

/**
 * OverallStatus summarises all components.
 */
export type OverallStatus__Output = typeof OverallStatus[keyof typeof OverallStatus]
