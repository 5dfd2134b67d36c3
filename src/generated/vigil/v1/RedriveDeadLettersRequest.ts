// Original file: proto/vigil/v1/admin.proto


export interface RedriveDeadLettersRequest {
  'destination'?: (string);
  /**
   * 0 = all.
   */
  'limit'?: (number);
}

export interface RedriveDeadLettersRequest__Output {
  'destination'?: (string);
  /**
   * 0 = all.
   */
  'limit'?: (number);
}
