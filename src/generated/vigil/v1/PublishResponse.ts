// Original file: proto/vigil/v1/router.proto


export interface PublishResponse {
  'message_id'?: (string);
  'duplicate'?: (boolean);
  /**
   * Number of destinations the message was routed to.
   */
  'routed'?: (number);
}

export interface PublishResponse__Output {
  'message_id'?: (string);
  'duplicate'?: (boolean);
  /**
   * Number of destinations the message was routed to.
   */
  'routed'?: (number);
}
