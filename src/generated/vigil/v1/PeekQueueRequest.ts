// Original file: proto/vigil/v1/admin.proto

import type { Priority as _vigil_v1_Priority, Priority__Output as _vigil_v1_Priority__Output } from '../../vigil/v1/Priority.js';

export interface PeekQueueRequest {
  'destination'?: (string);
  /**
   * Messages listed at most; 0 = 100 (at most 1,000).
   */
  'limit'?: (number);
  /**
   * Only this priority; PRIORITY_UNSPECIFIED = all, highest first.
   */
  'priority'?: (_vigil_v1_Priority);
}

export interface PeekQueueRequest__Output {
  'destination'?: (string);
  /**
   * Messages listed at most; 0 = 100 (at most 1,000).
   */
  'limit'?: (number);
  /**
   * Only this priority; PRIORITY_UNSPECIFIED = all, highest first.
   */
  'priority'?: (_vigil_v1_Priority__Output);
}
