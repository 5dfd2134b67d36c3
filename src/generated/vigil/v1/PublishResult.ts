// Original file: proto/vigil/v1/router.proto


export interface PublishResult {
  /**
   * Empty when the message was refused (code is set).
   */
  'message_id'?: (string);
  'duplicate'?: (boolean);
  'routed'?: (number);
  /**
   * Vigil's error code (VIGIL_ERR_...) when this message was refused alone; empty when accepted.
   */
  'code'?: (string);
  /**
   * Why this message was refused (names the field for a bad one).
   */
  'message'?: (string);
  /**
   * Whether the same message may succeed later (a full queue, a rate limit, Vigil restarting):
   * publish it again with the same idempotency key. False for a bad field.
   */
  'retryable'?: (boolean);
}

export interface PublishResult__Output {
  /**
   * Empty when the message was refused (code is set).
   */
  'message_id'?: (string);
  'duplicate'?: (boolean);
  'routed'?: (number);
  /**
   * Vigil's error code (VIGIL_ERR_...) when this message was refused alone; empty when accepted.
   */
  'code'?: (string);
  /**
   * Why this message was refused (names the field for a bad one).
   */
  'message'?: (string);
  /**
   * Whether the same message may succeed later (a full queue, a rate limit, Vigil restarting):
   * publish it again with the same idempotency key. False for a bad field.
   */
  'retryable'?: (boolean);
}
