// Original file: proto/vigil/v1/admin.proto

import type { ConfigVersion as _vigil_v1_ConfigVersion, ConfigVersion__Output as _vigil_v1_ConfigVersion__Output } from '../../vigil/v1/ConfigVersion.js';
import type { Long } from '@grpc/proto-loader';

export interface ListConfigVersionsResponse {
  'versions'?: (_vigil_v1_ConfigVersion)[];
  'running_version'?: (number | string | Long);
}

export interface ListConfigVersionsResponse__Output {
  'versions': (_vigil_v1_ConfigVersion__Output)[];
  'running_version'?: (number);
}
