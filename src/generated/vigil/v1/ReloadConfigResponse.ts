// Original file: proto/vigil/v1/admin.proto

import type { ConfigVersion as _vigil_v1_ConfigVersion, ConfigVersion__Output as _vigil_v1_ConfigVersion__Output } from '../../vigil/v1/ConfigVersion.js';
import type { ConfigChange as _vigil_v1_ConfigChange, ConfigChange__Output as _vigil_v1_ConfigChange__Output } from '../../vigil/v1/ConfigChange.js';

export interface ReloadConfigResponse {
  /**
   * False when the file's effective config equals the running one.
   */
  'changed'?: (boolean);
  'config_version'?: (_vigil_v1_ConfigVersion | null);
  /**
   * Changed keys that take effect only after a restart (addresses, data_dir, telemetry exporters).
   */
  'restart_required'?: (string)[];
  'changes'?: (_vigil_v1_ConfigChange)[];
}

export interface ReloadConfigResponse__Output {
  /**
   * False when the file's effective config equals the running one.
   */
  'changed'?: (boolean);
  'config_version'?: (_vigil_v1_ConfigVersion__Output);
  /**
   * Changed keys that take effect only after a restart (addresses, data_dir, telemetry exporters).
   */
  'restart_required': (string)[];
  'changes': (_vigil_v1_ConfigChange__Output)[];
}
