// Original file: proto/vigil/v1/router.proto


export interface SubscribeBatchesRequest {
  /**
   * Name of a destination of kind subscriber.
   */
  'destination'?: (string);
  /**
   * Deliveries sent and not yet acked; 0 = server default.
   */
  'max_in_flight'?: (number);
  /**
   * Deliveries per stream message at most; 0 = 256 (at most 1,000).
   */
  'max_batch'?: (number);
}

export interface SubscribeBatchesRequest__Output {
  /**
   * Name of a destination of kind subscriber.
   */
  'destination'?: (string);
  /**
   * Deliveries sent and not yet acked; 0 = server default.
   */
  'max_in_flight'?: (number);
  /**
   * Deliveries per stream message at most; 0 = 256 (at most 1,000).
   */
  'max_batch'?: (number);
}
