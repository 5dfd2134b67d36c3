// Original file: proto/vigil/v1/heartbeat.proto


export interface DeregisterRequest {
  'component'?: (string);
}

export interface DeregisterRequest__Output {
  'component'?: (string);
}
