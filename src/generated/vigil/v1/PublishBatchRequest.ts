// Original file: proto/vigil/v1/router.proto

import type { PublishRequest as _vigil_v1_PublishRequest, PublishRequest__Output as _vigil_v1_PublishRequest__Output } from '../../vigil/v1/PublishRequest.js';

export interface PublishBatchRequest {
  /**
   * At most 1,000 messages, and the whole request within server.grpc.max_message_bytes.
   */
  'messages'?: (_vigil_v1_PublishRequest)[];
}

export interface PublishBatchRequest__Output {
  /**
   * At most 1,000 messages, and the whole request within server.grpc.max_message_bytes.
   */
  'messages': (_vigil_v1_PublishRequest__Output)[];
}
