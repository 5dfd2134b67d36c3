// Original file: proto/vigil/v1/router.proto


export interface AckRequest {
  'destination'?: (string);
  'message_ids'?: (string)[];
  /**
   * Rejected deliveries: retried with backoff.
   */
  'nack_ids'?: (string)[];
}

export interface AckRequest__Output {
  'destination'?: (string);
  'message_ids': (string)[];
  /**
   * Rejected deliveries: retried with backoff.
   */
  'nack_ids': (string)[];
}
