// Original file: proto/vigil/v1/admin.proto


export interface ListConfigVersionsRequest {
}

export interface ListConfigVersionsRequest__Output {
}
