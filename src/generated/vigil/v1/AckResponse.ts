// Original file: proto/vigil/v1/router.proto


export interface AckResponse {
  'acked'?: (number);
  'nacked'?: (number);
  /**
   * Ids that were not in flight (already acked or expired).
   */
  'unknown_ids'?: (string)[];
}

export interface AckResponse__Output {
  'acked'?: (number);
  'nacked'?: (number);
  /**
   * Ids that were not in flight (already acked or expired).
   */
  'unknown_ids': (string)[];
}
