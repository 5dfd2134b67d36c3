// Original file: proto/vigil/v1/router.proto

import type { Delivery as _vigil_v1_Delivery, Delivery__Output as _vigil_v1_Delivery__Output } from '../../vigil/v1/Delivery.js';

export interface SubscribeBatchesResponse {
  'deliveries'?: (_vigil_v1_Delivery)[];
}

export interface SubscribeBatchesResponse__Output {
  'deliveries': (_vigil_v1_Delivery__Output)[];
}
