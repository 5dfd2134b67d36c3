// Original file: proto/vigil/v1/admin.proto


export interface ImportConfigRequest {
  'yaml'?: (string);
  /**
   * One line recorded with the version.
   */
  'description'?: (string);
}

export interface ImportConfigRequest__Output {
  'yaml'?: (string);
  /**
   * One line recorded with the version.
   */
  'description'?: (string);
}
