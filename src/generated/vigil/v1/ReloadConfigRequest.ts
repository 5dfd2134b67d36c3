// Original file: proto/vigil/v1/admin.proto


export interface ReloadConfigRequest {
}

export interface ReloadConfigRequest__Output {
}
