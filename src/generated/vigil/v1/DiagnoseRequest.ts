// Original file: proto/vigil/v1/admin.proto


export interface DiagnoseRequest {
}

export interface DiagnoseRequest__Output {
}
