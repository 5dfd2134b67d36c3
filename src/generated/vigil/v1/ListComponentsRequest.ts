// Original file: proto/vigil/v1/heartbeat.proto


export interface ListComponentsRequest {
}

export interface ListComponentsRequest__Output {
}
