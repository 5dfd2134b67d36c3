// Original file: proto/vigil/v1/alert.proto

import type { Alert as _vigil_v1_Alert, Alert__Output as _vigil_v1_Alert__Output } from '../../vigil/v1/Alert.js';

export interface ResolveResponse {
  'alert'?: (_vigil_v1_Alert | null);
}

export interface ResolveResponse__Output {
  'alert'?: (_vigil_v1_Alert__Output);
}
