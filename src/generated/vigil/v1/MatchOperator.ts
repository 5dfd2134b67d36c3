// Original file: proto/vigil/v1/alert.proto

export const MatchOperator = {
  /**
   * Treated as MATCH_OPERATOR_EQUAL.
   */
  MATCH_OPERATOR_UNSPECIFIED: 'MATCH_OPERATOR_UNSPECIFIED',
  MATCH_OPERATOR_EQUAL: 'MATCH_OPERATOR_EQUAL',
  MATCH_OPERATOR_NOT_EQUAL: 'MATCH_OPERATOR_NOT_EQUAL',
  MATCH_OPERATOR_REGEX: 'MATCH_OPERATOR_REGEX',
  MATCH_OPERATOR_NOT_REGEX: 'MATCH_OPERATOR_NOT_REGEX',
} as const;

export type MatchOperator =
  /**
   * Treated as MATCH_OPERATOR_EQUAL.
   */
  | 'MATCH_OPERATOR_UNSPECIFIED'
  | 0
  | 'MATCH_OPERATOR_EQUAL'
  | 1
  | 'MATCH_OPERATOR_NOT_EQUAL'
  | 2
  | 'MATCH_OPERATOR_REGEX'
  | 3
  | 'MATCH_OPERATOR_NOT_REGEX'
  | 4

export type MatchOperator__Output = typeof MatchOperator[keyof typeof MatchOperator]
