// Original file: proto/vigil/v1/router.proto


export interface SubscribeRequest {
  /**
   * Name of a destination of kind subscriber.
   */
  'destination'?: (string);
  /**
   * Deliveries sent and not yet acked; 0 = server default.
   */
  'max_in_flight'?: (number);
}

export interface SubscribeRequest__Output {
  /**
   * Name of a destination of kind subscriber.
   */
  'destination'?: (string);
  /**
   * Deliveries sent and not yet acked; 0 = server default.
   */
  'max_in_flight'?: (number);
}
