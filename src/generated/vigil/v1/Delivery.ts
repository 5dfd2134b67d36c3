// Original file: proto/vigil/v1/router.proto

import type { Priority as _vigil_v1_Priority, Priority__Output as _vigil_v1_Priority__Output } from '../../vigil/v1/Priority.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface Delivery {
  'message_id'?: (string);
  'topic'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'content_type'?: (string);
  'attributes'?: ({[key: string]: string});
  'priority'?: (_vigil_v1_Priority);
  /**
   * 1 on first delivery, incremented on each redelivery.
   */
  'attempt'?: (number);
  /**
   * W3C trace context of the delivery span.
   */
  'traceparent'?: (string);
  'published_at'?: (_google_protobuf_Timestamp | null);
  'idempotency_key'?: (string);
}

export interface Delivery__Output {
  'message_id'?: (string);
  'topic'?: (string);
  'payload'?: (Buffer);
  'content_type'?: (string);
  'attributes': ({[key: string]: string});
  'priority'?: (_vigil_v1_Priority__Output);
  /**
   * 1 on first delivery, incremented on each redelivery.
   */
  'attempt'?: (number);
  /**
   * W3C trace context of the delivery span.
   */
  'traceparent'?: (string);
  'published_at'?: (_google_protobuf_Timestamp__Output);
  'idempotency_key'?: (string);
}
