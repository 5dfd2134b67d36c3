// Original file: proto/vigil/v1/admin.proto

import type { ConfigChange as _vigil_v1_ConfigChange, ConfigChange__Output as _vigil_v1_ConfigChange__Output } from '../../vigil/v1/ConfigChange.js';

export interface DiffConfigResponse {
  'changes'?: (_vigil_v1_ConfigChange)[];
}

export interface DiffConfigResponse__Output {
  'changes': (_vigil_v1_ConfigChange__Output)[];
}
