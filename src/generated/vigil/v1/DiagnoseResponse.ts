// Original file: proto/vigil/v1/admin.proto


export interface DiagnoseResponse {
  /**
   * The report, one JSON object.
   */
  'json'?: (string);
}

export interface DiagnoseResponse__Output {
  /**
   * The report, one JSON object.
   */
  'json'?: (string);
}
