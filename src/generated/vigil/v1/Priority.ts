// Original file: proto/vigil/v1/router.proto

export const Priority = {
  /**
   * Treated as PRIORITY_NORMAL.
   */
  PRIORITY_UNSPECIFIED: 'PRIORITY_UNSPECIFIED',
  PRIORITY_LOW: 'PRIORITY_LOW',
  PRIORITY_NORMAL: 'PRIORITY_NORMAL',
  PRIORITY_HIGH: 'PRIORITY_HIGH',
  PRIORITY_CRITICAL: 'PRIORITY_CRITICAL',
} as const;

export type Priority =
  /**
   * Treated as PRIORITY_NORMAL.
   */
  | 'PRIORITY_UNSPECIFIED'
  | 0
  | 'PRIORITY_LOW'
  | 1
  | 'PRIORITY_NORMAL'
  | 2
  | 'PRIORITY_HIGH'
  | 3
  | 'PRIORITY_CRITICAL'
  | 4

export type Priority__Output = typeof Priority[keyof typeof Priority]
