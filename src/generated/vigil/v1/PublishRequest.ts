// Original file: proto/vigil/v1/router.proto

import type { Priority as _vigil_v1_Priority, Priority__Output as _vigil_v1_Priority__Output } from '../../vigil/v1/Priority.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';

export interface PublishRequest {
  /**
   * Required: dot-separated tokens.
   */
  'topic'?: (string);
  /**
   * At most 1 MiB by default.
   */
  'payload'?: (Buffer | Uint8Array | string);
  'content_type'?: (string);
  'attributes'?: ({[key: string]: string});
  'priority'?: (_vigil_v1_Priority);
  /**
   * Duplicates within the dedup window are answered with duplicate = true.
   */
  'idempotency_key'?: (string);
  /**
   * Expired messages go to the dead-letter file.
   */
  'ttl'?: (_google_protobuf_Duration | null);
}

export interface PublishRequest__Output {
  /**
   * Required: dot-separated tokens.
   */
  'topic'?: (string);
  /**
   * At most 1 MiB by default.
   */
  'payload'?: (Buffer);
  'content_type'?: (string);
  'attributes': ({[key: string]: string});
  'priority'?: (_vigil_v1_Priority__Output);
  /**
   * Duplicates within the dedup window are answered with duplicate = true.
   */
  'idempotency_key'?: (string);
  /**
   * Expired messages go to the dead-letter file.
   */
  'ttl'?: (_google_protobuf_Duration__Output);
}
