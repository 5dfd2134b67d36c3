// Original file: proto/vigil/v1/admin.proto

import type { ConfigVersion as _vigil_v1_ConfigVersion, ConfigVersion__Output as _vigil_v1_ConfigVersion__Output } from '../../vigil/v1/ConfigVersion.js';

export interface RollbackConfigResponse {
  'config_version'?: (_vigil_v1_ConfigVersion | null);
  /**
   * Set when the config file on disk now differs from the running config.
   */
  'warning'?: (string);
}

export interface RollbackConfigResponse__Output {
  'config_version'?: (_vigil_v1_ConfigVersion__Output);
  /**
   * Set when the config file on disk now differs from the running config.
   */
  'warning'?: (string);
}
