// Original file: proto/vigil/v1/heartbeat.proto

/**
 * Signal tells a plain liveness beat from the steps of a job run.
 */
export const Signal = {
  /**
   * Treated as SIGNAL_ALIVE.
   */
  SIGNAL_UNSPECIFIED: 'SIGNAL_UNSPECIFIED',
  SIGNAL_ALIVE: 'SIGNAL_ALIVE',
  /**
   * A job run started: it must end with SUCCESS or FAIL within the grace.
   */
  SIGNAL_START: 'SIGNAL_START',
  SIGNAL_SUCCESS: 'SIGNAL_SUCCESS',
  SIGNAL_FAIL: 'SIGNAL_FAIL',
} as const;

/**
 * Signal tells a plain liveness beat from the steps of a job run.
 */
export type Signal =
  /**
   * Treated as SIGNAL_ALIVE.
   */
  | 'SIGNAL_UNSPECIFIED'
  | 0
  | 'SIGNAL_ALIVE'
  | 1
  /**
   * A job run started: it must end with SUCCESS or FAIL within the grace.
   */
  | 'SIGNAL_START'
  | 2
  | 'SIGNAL_SUCCESS'
  | 3
  | 'SIGNAL_FAIL'
  | 4

/**
 * Signal tells a plain liveness beat from the steps of a job run.
 */
export type Signal__Output = typeof Signal[keyof typeof Signal]
