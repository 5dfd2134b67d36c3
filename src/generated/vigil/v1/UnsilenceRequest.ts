// Original file: proto/vigil/v1/alert.proto


export interface UnsilenceRequest {
  'id'?: (string);
}

export interface UnsilenceRequest__Output {
  'id'?: (string);
}
