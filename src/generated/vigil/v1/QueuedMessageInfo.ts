// Original file: proto/vigil/v1/admin.proto

import type { Priority as _vigil_v1_Priority, Priority__Output as _vigil_v1_Priority__Output } from '../../vigil/v1/Priority.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { Long } from '@grpc/proto-loader';

export interface QueuedMessageInfo {
  'message_id'?: (string);
  'topic'?: (string);
  'priority'?: (_vigil_v1_Priority);
  'published_at'?: (_google_protobuf_Timestamp | null);
  'age'?: (_google_protobuf_Duration | null);
  /**
   * Failed delivery attempts so far.
   */
  'attempts'?: (number);
  /**
   * Bytes the message counts against the queue's bound.
   */
  'size_bytes'?: (number | string | Long);
  /**
   * When the next delivery attempt may start (unset: as soon as the destination takes it).
   */
  'next_attempt'?: (_google_protobuf_Timestamp | null);
  /**
   * Being delivered now (sent, outcome not known yet).
   */
  'in_delivery'?: (boolean);
}

export interface QueuedMessageInfo__Output {
  'message_id'?: (string);
  'topic'?: (string);
  'priority'?: (_vigil_v1_Priority__Output);
  'published_at'?: (_google_protobuf_Timestamp__Output);
  'age'?: (_google_protobuf_Duration__Output);
  /**
   * Failed delivery attempts so far.
   */
  'attempts'?: (number);
  /**
   * Bytes the message counts against the queue's bound.
   */
  'size_bytes'?: (number);
  /**
   * When the next delivery attempt may start (unset: as soon as the destination takes it).
   */
  'next_attempt'?: (_google_protobuf_Timestamp__Output);
  /**
   * Being delivered now (sent, outcome not known yet).
   */
  'in_delivery'?: (boolean);
}
