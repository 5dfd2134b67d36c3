// Original file: proto/vigil/v1/admin.proto


export interface RunCleanupRequest {
  'dry_run'?: (boolean);
}

export interface RunCleanupRequest__Output {
  'dry_run'?: (boolean);
}
