// Original file: proto/vigil/v1/router.proto

import type { PublishResult as _vigil_v1_PublishResult, PublishResult__Output as _vigil_v1_PublishResult__Output } from '../../vigil/v1/PublishResult.js';

export interface PublishBatchResponse {
  /**
   * One per request message, in request order.
   */
  'results'?: (_vigil_v1_PublishResult)[];
}

export interface PublishBatchResponse__Output {
  /**
   * One per request message, in request order.
   */
  'results': (_vigil_v1_PublishResult__Output)[];
}
