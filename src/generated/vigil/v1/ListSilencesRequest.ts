// Original file: proto/vigil/v1/alert.proto


export interface ListSilencesRequest {
}

export interface ListSilencesRequest__Output {
}
