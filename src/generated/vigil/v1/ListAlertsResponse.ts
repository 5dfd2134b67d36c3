// Original file: proto/vigil/v1/alert.proto

import type { Alert as _vigil_v1_Alert, Alert__Output as _vigil_v1_Alert__Output } from '../../vigil/v1/Alert.js';

export interface ListAlertsResponse {
  'alerts'?: (_vigil_v1_Alert)[];
}

export interface ListAlertsResponse__Output {
  'alerts': (_vigil_v1_Alert__Output)[];
}
