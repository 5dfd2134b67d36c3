// Original file: proto/vigil/v1/admin.proto

import type { QueuedMessageInfo as _vigil_v1_QueuedMessageInfo, QueuedMessageInfo__Output as _vigil_v1_QueuedMessageInfo__Output } from '../../vigil/v1/QueuedMessageInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface PeekQueueResponse {
  'messages'?: (_vigil_v1_QueuedMessageInfo)[];
  /**
   * Messages queued for the destination in all.
   */
  'depth'?: (number | string | Long);
}

export interface PeekQueueResponse__Output {
  'messages': (_vigil_v1_QueuedMessageInfo__Output)[];
  /**
   * Messages queued for the destination in all.
   */
  'depth'?: (number);
}
