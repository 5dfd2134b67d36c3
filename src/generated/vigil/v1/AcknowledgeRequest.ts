// Original file: proto/vigil/v1/alert.proto


export interface AcknowledgeRequest {
  'fingerprint'?: (string);
  'by'?: (string);
  'comment'?: (string);
}

export interface AcknowledgeRequest__Output {
  'fingerprint'?: (string);
  'by'?: (string);
  'comment'?: (string);
}
