// Original file: proto/vigil/v1/admin.proto

import type { ConfigVersion as _vigil_v1_ConfigVersion, ConfigVersion__Output as _vigil_v1_ConfigVersion__Output } from '../../vigil/v1/ConfigVersion.js';
import type { ConfigChange as _vigil_v1_ConfigChange, ConfigChange__Output as _vigil_v1_ConfigChange__Output } from '../../vigil/v1/ConfigChange.js';

export interface ImportConfigResponse {
  /**
   * False when the config equals the running one.
   */
  'changed'?: (boolean);
  'config_version'?: (_vigil_v1_ConfigVersion | null);
  'changes'?: (_vigil_v1_ConfigChange)[];
  /**
   * Set when the config file on disk now differs from the running config.
   */
  'warning'?: (string);
  /**
   * Changed keys that take effect only after a restart (addresses, data_dir, telemetry exporters).
   */
  'restart_required'?: (string)[];
}

export interface ImportConfigResponse__Output {
  /**
   * False when the config equals the running one.
   */
  'changed'?: (boolean);
  'config_version'?: (_vigil_v1_ConfigVersion__Output);
  'changes': (_vigil_v1_ConfigChange__Output)[];
  /**
   * Set when the config file on disk now differs from the running config.
   */
  'warning'?: (string);
  /**
   * Changed keys that take effect only after a restart (addresses, data_dir, telemetry exporters).
   */
  'restart_required': (string)[];
}
