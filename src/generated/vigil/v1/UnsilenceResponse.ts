// Original file: proto/vigil/v1/alert.proto


export interface UnsilenceResponse {
}

export interface UnsilenceResponse__Output {
}
