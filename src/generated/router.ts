import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { AckRequest as _vigil_v1_AckRequest, AckRequest__Output as _vigil_v1_AckRequest__Output } from './vigil/v1/AckRequest.js';
import type { AckResponse as _vigil_v1_AckResponse, AckResponse__Output as _vigil_v1_AckResponse__Output } from './vigil/v1/AckResponse.js';
import type { Delivery as _vigil_v1_Delivery, Delivery__Output as _vigil_v1_Delivery__Output } from './vigil/v1/Delivery.js';
import type { PublishBatchRequest as _vigil_v1_PublishBatchRequest, PublishBatchRequest__Output as _vigil_v1_PublishBatchRequest__Output } from './vigil/v1/PublishBatchRequest.js';
import type { PublishBatchResponse as _vigil_v1_PublishBatchResponse, PublishBatchResponse__Output as _vigil_v1_PublishBatchResponse__Output } from './vigil/v1/PublishBatchResponse.js';
import type { PublishRequest as _vigil_v1_PublishRequest, PublishRequest__Output as _vigil_v1_PublishRequest__Output } from './vigil/v1/PublishRequest.js';
import type { PublishResponse as _vigil_v1_PublishResponse, PublishResponse__Output as _vigil_v1_PublishResponse__Output } from './vigil/v1/PublishResponse.js';
import type { PublishResult as _vigil_v1_PublishResult, PublishResult__Output as _vigil_v1_PublishResult__Output } from './vigil/v1/PublishResult.js';
import type { RouterServiceClient as _vigil_v1_RouterServiceClient, RouterServiceDefinition as _vigil_v1_RouterServiceDefinition } from './vigil/v1/RouterService.js';
import type { SubscribeBatchesRequest as _vigil_v1_SubscribeBatchesRequest, SubscribeBatchesRequest__Output as _vigil_v1_SubscribeBatchesRequest__Output } from './vigil/v1/SubscribeBatchesRequest.js';
import type { SubscribeBatchesResponse as _vigil_v1_SubscribeBatchesResponse, SubscribeBatchesResponse__Output as _vigil_v1_SubscribeBatchesResponse__Output } from './vigil/v1/SubscribeBatchesResponse.js';
import type { SubscribeRequest as _vigil_v1_SubscribeRequest, SubscribeRequest__Output as _vigil_v1_SubscribeRequest__Output } from './vigil/v1/SubscribeRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  vigil: {
    v1: {
      AckRequest: MessageTypeDefinition<_vigil_v1_AckRequest, _vigil_v1_AckRequest__Output>
      AckResponse: MessageTypeDefinition<_vigil_v1_AckResponse, _vigil_v1_AckResponse__Output>
      Delivery: MessageTypeDefinition<_vigil_v1_Delivery, _vigil_v1_Delivery__Output>
      Priority: EnumTypeDefinition
      PublishBatchRequest: MessageTypeDefinition<_vigil_v1_PublishBatchRequest, _vigil_v1_PublishBatchRequest__Output>
      PublishBatchResponse: MessageTypeDefinition<_vigil_v1_PublishBatchResponse, _vigil_v1_PublishBatchResponse__Output>
      PublishRequest: MessageTypeDefinition<_vigil_v1_PublishRequest, _vigil_v1_PublishRequest__Output>
      PublishResponse: MessageTypeDefinition<_vigil_v1_PublishResponse, _vigil_v1_PublishResponse__Output>
      PublishResult: MessageTypeDefinition<_vigil_v1_PublishResult, _vigil_v1_PublishResult__Output>
      /**
       * RouterService routes messages to destinations with durable buffering.
       */
      RouterService: SubtypeConstructor<typeof grpc.Client, _vigil_v1_RouterServiceClient> & { service: _vigil_v1_RouterServiceDefinition }
      SubscribeBatchesRequest: MessageTypeDefinition<_vigil_v1_SubscribeBatchesRequest, _vigil_v1_SubscribeBatchesRequest__Output>
      SubscribeBatchesResponse: MessageTypeDefinition<_vigil_v1_SubscribeBatchesResponse, _vigil_v1_SubscribeBatchesResponse__Output>
      SubscribeRequest: MessageTypeDefinition<_vigil_v1_SubscribeRequest, _vigil_v1_SubscribeRequest__Output>
    }
  }
}

