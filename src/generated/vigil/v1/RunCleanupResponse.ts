// Original file: proto/vigil/v1/admin.proto

import type { CleanupReport as _vigil_v1_CleanupReport, CleanupReport__Output as _vigil_v1_CleanupReport__Output } from '../../vigil/v1/CleanupReport.js';

export interface RunCleanupResponse {
  'report'?: (_vigil_v1_CleanupReport | null);
}

export interface RunCleanupResponse__Output {
  'report'?: (_vigil_v1_CleanupReport__Output);
}
