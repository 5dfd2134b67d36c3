// Original file: proto/vigil/v1/heartbeat.proto

/**
 * Health is what the component says about itself.
 */
export const Health = {
  /**
   * Treated as HEALTH_OK.
   */
  HEALTH_UNSPECIFIED: 'HEALTH_UNSPECIFIED',
  HEALTH_OK: 'HEALTH_OK',
  HEALTH_DEGRADED: 'HEALTH_DEGRADED',
  HEALTH_FAILING: 'HEALTH_FAILING',
} as const;

/**
 * Health is what the component says about itself.
 */
export type Health =
  /**
   * Treated as HEALTH_OK.
   */
  | 'HEALTH_UNSPECIFIED'
  | 0
  | 'HEALTH_OK'
  | 1
  | 'HEALTH_DEGRADED'
  | 2
  | 'HEALTH_FAILING'
  | 3

/**
 * Health is what the component says about itself.
 */
export type Health__Output = typeof Health[keyof typeof Health]
