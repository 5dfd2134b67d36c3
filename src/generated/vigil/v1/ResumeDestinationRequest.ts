// Original file: proto/vigil/v1/admin.proto


export interface ResumeDestinationRequest {
  'name'?: (string);
}

export interface ResumeDestinationRequest__Output {
  'name'?: (string);
}
