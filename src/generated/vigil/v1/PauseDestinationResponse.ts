// Original file: proto/vigil/v1/admin.proto

import type { DestinationStatus as _vigil_v1_DestinationStatus, DestinationStatus__Output as _vigil_v1_DestinationStatus__Output } from '../../vigil/v1/DestinationStatus.js';

export interface PauseDestinationResponse {
  'destination'?: (_vigil_v1_DestinationStatus | null);
}

export interface PauseDestinationResponse__Output {
  'destination'?: (_vigil_v1_DestinationStatus__Output);
}
