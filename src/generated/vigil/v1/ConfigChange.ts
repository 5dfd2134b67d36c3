// Original file: proto/vigil/v1/admin.proto

import type { ChangeKind as _vigil_v1_ChangeKind, ChangeKind__Output as _vigil_v1_ChangeKind__Output } from '../../vigil/v1/ChangeKind.js';

export interface ConfigChange {
  /**
   * Key path, e.g. router.destinations[2].url.
   */
  'path'?: (string);
  'kind'?: (_vigil_v1_ChangeKind);
  /**
   * JSON values, secrets redacted.
   */
  'before'?: (string);
  'after'?: (string);
}

export interface ConfigChange__Output {
  /**
   * Key path, e.g. router.destinations[2].url.
   */
  'path'?: (string);
  'kind'?: (_vigil_v1_ChangeKind__Output);
  /**
   * JSON values, secrets redacted.
   */
  'before'?: (string);
  'after'?: (string);
}
