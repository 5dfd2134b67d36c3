// Original file: proto/vigil/v1/admin.proto


export interface PauseDestinationRequest {
  'name'?: (string);
}

export interface PauseDestinationRequest__Output {
  'name'?: (string);
}
