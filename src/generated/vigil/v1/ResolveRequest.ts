// Original file: proto/vigil/v1/alert.proto


export interface ResolveRequest {
  'fingerprint'?: (string);
  'by'?: (string);
  'comment'?: (string);
}

export interface ResolveRequest__Output {
  'fingerprint'?: (string);
  'by'?: (string);
  'comment'?: (string);
}
