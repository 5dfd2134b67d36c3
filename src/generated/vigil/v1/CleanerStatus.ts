// Original file: proto/vigil/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { CleanupReport as _vigil_v1_CleanupReport, CleanupReport__Output as _vigil_v1_CleanupReport__Output } from '../../vigil/v1/CleanupReport.js';

export interface CleanerStatus {
  'last_run'?: (_google_protobuf_Timestamp | null);
  'last_report'?: (_vigil_v1_CleanupReport | null);
}

export interface CleanerStatus__Output {
  'last_run'?: (_google_protobuf_Timestamp__Output);
  'last_report'?: (_vigil_v1_CleanupReport__Output);
}
