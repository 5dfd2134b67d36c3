// Original file: proto/vigil/v1/heartbeat.proto

/**
 * ComponentState is computed from the clock and the last beat.
 */
export const ComponentState = {
  COMPONENT_STATE_UNSPECIFIED: 'COMPONENT_STATE_UNSPECIFIED',
  /**
   * Declared in config, never beat.
   */
  COMPONENT_STATE_UNKNOWN: 'COMPONENT_STATE_UNKNOWN',
  COMPONENT_STATE_UP: 'COMPONENT_STATE_UP',
  /**
   * Past its interval, within its grace.
   */
  COMPONENT_STATE_LATE: 'COMPONENT_STATE_LATE',
  /**
   * Past interval + grace.
   */
  COMPONENT_STATE_DOWN: 'COMPONENT_STATE_DOWN',
} as const;

/**
 * ComponentState is computed from the clock and the last beat.
 */
export type ComponentState =
  | 'COMPONENT_STATE_UNSPECIFIED'
  | 0
  /**
   * Declared in config, never beat.
   */
  | 'COMPONENT_STATE_UNKNOWN'
  | 1
  | 'COMPONENT_STATE_UP'
  | 2
  /**
   * Past its interval, within its grace.
   */
  | 'COMPONENT_STATE_LATE'
  | 3
  /**
   * Past interval + grace.
   */
  | 'COMPONENT_STATE_DOWN'
  | 4

/**
 * ComponentState is computed from the clock and the last beat.
 */
export type ComponentState__Output = typeof ComponentState[keyof typeof ComponentState]
