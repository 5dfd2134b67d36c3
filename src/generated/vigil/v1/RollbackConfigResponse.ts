// Original file: proto/vigil/v1/admin.proto

import type { ConfigVersion as _vigil_v1_ConfigVersion, ConfigVersion__Output as _vigil_v1_ConfigVersion__Output } from '../../vigil/v1/ConfigVersion.js';
import type { ConfigChange as _vigil_v1_ConfigChange, ConfigChange__Output as _vigil_v1_ConfigChange__Output } from '../../vigil/v1/ConfigChange.js';

export interface RollbackConfigResponse {
  'config_version'?: (_vigil_v1_ConfigVersion | null);
  /**
   * Set when the config file on disk now differs from the running config.
   */
  'warning'?: (string);
  'changes'?: (_vigil_v1_ConfigChange)[];
  'changed'?: (boolean);
  /**
   * Changed keys that take effect only after a restart (addresses, data_dir, telemetry exporters).
   */
  'restart_required'?: (string)[];
}

export interface RollbackConfigResponse__Output {
  'config_version'?: (_vigil_v1_ConfigVersion__Output);
  /**
   * Set when the config file on disk now differs from the running config.
   */
  'warning'?: (string);
  'changes': (_vigil_v1_ConfigChange__Output)[];
  'changed'?: (boolean);
  /**
   * Changed keys that take effect only after a restart (addresses, data_dir, telemetry exporters).
   */
  'restart_required': (string)[];
}
