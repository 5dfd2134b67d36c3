// Original file: proto/vigil/v1/admin.proto

import type { ConfigVersion as _vigil_v1_ConfigVersion, ConfigVersion__Output as _vigil_v1_ConfigVersion__Output } from '../../vigil/v1/ConfigVersion.js';

export interface ExportConfigResponse {
  /**
   * The config as written, secret references unresolved.
   */
  'yaml'?: (string);
  'config_version'?: (_vigil_v1_ConfigVersion | null);
}

export interface ExportConfigResponse__Output {
  /**
   * The config as written, secret references unresolved.
   */
  'yaml'?: (string);
  'config_version'?: (_vigil_v1_ConfigVersion__Output);
}
