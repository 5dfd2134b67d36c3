// Original file: proto/vigil/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { ConfigSource as _vigil_v1_ConfigSource, ConfigSource__Output as _vigil_v1_ConfigSource__Output } from '../../vigil/v1/ConfigSource.js';
import type { Long } from '@grpc/proto-loader';

export interface ConfigVersion {
  'version'?: (number | string | Long);
  /**
   * sha256 of the effective config.
   */
  'hash'?: (string);
  'applied_at'?: (_google_protobuf_Timestamp | null);
  'source'?: (_vigil_v1_ConfigSource);
  /**
   * Token name when auth is on.
   */
  'by'?: (string);
  'description'?: (string);
  /**
   * The file the config came from, empty for the embedded defaults.
   */
  'path'?: (string);
  /**
   * Set when the stored version cannot be read: listed, never applied.
   */
  'error'?: (string);
}

export interface ConfigVersion__Output {
  'version'?: (number);
  /**
   * sha256 of the effective config.
   */
  'hash'?: (string);
  'applied_at'?: (_google_protobuf_Timestamp__Output);
  'source'?: (_vigil_v1_ConfigSource__Output);
  /**
   * Token name when auth is on.
   */
  'by'?: (string);
  'description'?: (string);
  /**
   * The file the config came from, empty for the embedded defaults.
   */
  'path'?: (string);
  /**
   * Set when the stored version cannot be read: listed, never applied.
   */
  'error'?: (string);
}
