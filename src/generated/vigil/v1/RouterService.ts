// Original file: proto/vigil/v1/router.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AckRequest as _vigil_v1_AckRequest, AckRequest__Output as _vigil_v1_AckRequest__Output } from '../../vigil/v1/AckRequest.js';
import type { AckResponse as _vigil_v1_AckResponse, AckResponse__Output as _vigil_v1_AckResponse__Output } from '../../vigil/v1/AckResponse.js';
import type { Delivery as _vigil_v1_Delivery, Delivery__Output as _vigil_v1_Delivery__Output } from '../../vigil/v1/Delivery.js';
import type { PublishBatchRequest as _vigil_v1_PublishBatchRequest, PublishBatchRequest__Output as _vigil_v1_PublishBatchRequest__Output } from '../../vigil/v1/PublishBatchRequest.js';
import type { PublishBatchResponse as _vigil_v1_PublishBatchResponse, PublishBatchResponse__Output as _vigil_v1_PublishBatchResponse__Output } from '../../vigil/v1/PublishBatchResponse.js';
import type { PublishRequest as _vigil_v1_PublishRequest, PublishRequest__Output as _vigil_v1_PublishRequest__Output } from '../../vigil/v1/PublishRequest.js';
import type { PublishResponse as _vigil_v1_PublishResponse, PublishResponse__Output as _vigil_v1_PublishResponse__Output } from '../../vigil/v1/PublishResponse.js';
import type { SubscribeBatchesRequest as _vigil_v1_SubscribeBatchesRequest, SubscribeBatchesRequest__Output as _vigil_v1_SubscribeBatchesRequest__Output } from '../../vigil/v1/SubscribeBatchesRequest.js';
import type { SubscribeBatchesResponse as _vigil_v1_SubscribeBatchesResponse, SubscribeBatchesResponse__Output as _vigil_v1_SubscribeBatchesResponse__Output } from '../../vigil/v1/SubscribeBatchesResponse.js';
import type { SubscribeRequest as _vigil_v1_SubscribeRequest, SubscribeRequest__Output as _vigil_v1_SubscribeRequest__Output } from '../../vigil/v1/SubscribeRequest.js';

/**
 * RouterService routes messages to destinations with durable buffering.
 */
export interface RouterServiceClient extends grpc.Client {
  /**
   * Ack acknowledges (or rejects) deliveries of a subscriber destination.
   */
  Ack(argument: _vigil_v1_AckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _vigil_v1_AckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _vigil_v1_AckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _vigil_v1_AckRequest, callback: grpc.requestCallback<_vigil_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Ack acknowledges (or rejects) deliveries of a subscriber destination.
   */
  ack(argument: _vigil_v1_AckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _vigil_v1_AckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _vigil_v1_AckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _vigil_v1_AckRequest, callback: grpc.requestCallback<_vigil_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Publish answers once the message is durable on disk.
   */
  Publish(argument: _vigil_v1_PublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _vigil_v1_PublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _vigil_v1_PublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _vigil_v1_PublishRequest, callback: grpc.requestCallback<_vigil_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Publish answers once the message is durable on disk.
   */
  publish(argument: _vigil_v1_PublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _vigil_v1_PublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _vigil_v1_PublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _vigil_v1_PublishRequest, callback: grpc.requestCallback<_vigil_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * PublishBatch publishes many messages in one call: one result per message, in order. The
   * accepted ones are committed in one transaction before the answer; a message refused alone
   * (a bad field, a full queue) has its error in its result and does not refuse the others.
   */
  PublishBatch(argument: _vigil_v1_PublishBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PublishBatchResponse__Output>): grpc.ClientUnaryCall;
  PublishBatch(argument: _vigil_v1_PublishBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_PublishBatchResponse__Output>): grpc.ClientUnaryCall;
  PublishBatch(argument: _vigil_v1_PublishBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PublishBatchResponse__Output>): grpc.ClientUnaryCall;
  PublishBatch(argument: _vigil_v1_PublishBatchRequest, callback: grpc.requestCallback<_vigil_v1_PublishBatchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * PublishBatch publishes many messages in one call: one result per message, in order. The
   * accepted ones are committed in one transaction before the answer; a message refused alone
   * (a bad field, a full queue) has its error in its result and does not refuse the others.
   */
  publishBatch(argument: _vigil_v1_PublishBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PublishBatchResponse__Output>): grpc.ClientUnaryCall;
  publishBatch(argument: _vigil_v1_PublishBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_PublishBatchResponse__Output>): grpc.ClientUnaryCall;
  publishBatch(argument: _vigil_v1_PublishBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PublishBatchResponse__Output>): grpc.ClientUnaryCall;
  publishBatch(argument: _vigil_v1_PublishBatchRequest, callback: grpc.requestCallback<_vigil_v1_PublishBatchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * PublishStream publishes many messages; one response per request, in order.
   */
  PublishStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_vigil_v1_PublishRequest, _vigil_v1_PublishResponse__Output>;
  PublishStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_vigil_v1_PublishRequest, _vigil_v1_PublishResponse__Output>;
  /**
   * PublishStream publishes many messages; one response per request, in order.
   */
  publishStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_vigil_v1_PublishRequest, _vigil_v1_PublishResponse__Output>;
  publishStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_vigil_v1_PublishRequest, _vigil_v1_PublishResponse__Output>;
  
  /**
   * Subscribe streams the deliveries of a subscriber destination.
   */
  Subscribe(argument: _vigil_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_Delivery__Output>;
  Subscribe(argument: _vigil_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_Delivery__Output>;
  /**
   * Subscribe streams the deliveries of a subscriber destination.
   */
  subscribe(argument: _vigil_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_Delivery__Output>;
  subscribe(argument: _vigil_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_Delivery__Output>;
  
  /**
   * SubscribeBatches is Subscribe with several deliveries per stream message: what is ready, up
   * to max_batch, sent at once (never held back to fill a batch). Acks as for Subscribe.
   */
  SubscribeBatches(argument: _vigil_v1_SubscribeBatchesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_SubscribeBatchesResponse__Output>;
  SubscribeBatches(argument: _vigil_v1_SubscribeBatchesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_SubscribeBatchesResponse__Output>;
  /**
   * SubscribeBatches is Subscribe with several deliveries per stream message: what is ready, up
   * to max_batch, sent at once (never held back to fill a batch). Acks as for Subscribe.
   */
  subscribeBatches(argument: _vigil_v1_SubscribeBatchesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_SubscribeBatchesResponse__Output>;
  subscribeBatches(argument: _vigil_v1_SubscribeBatchesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_SubscribeBatchesResponse__Output>;
  
}

/**
 * RouterService routes messages to destinations with durable buffering.
 */
export interface RouterServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Ack acknowledges (or rejects) deliveries of a subscriber destination.
   */
  Ack: grpc.handleUnaryCall<_vigil_v1_AckRequest__Output, _vigil_v1_AckResponse>;
  
  /**
   * Publish answers once the message is durable on disk.
   */
  Publish: grpc.handleUnaryCall<_vigil_v1_PublishRequest__Output, _vigil_v1_PublishResponse>;
  
  /**
   * PublishBatch publishes many messages in one call: one result per message, in order. The
   * accepted ones are committed in one transaction before the answer; a message refused alone
   * (a bad field, a full queue) has its error in its result and does not refuse the others.
   */
  PublishBatch: grpc.handleUnaryCall<_vigil_v1_PublishBatchRequest__Output, _vigil_v1_PublishBatchResponse>;
  
  /**
   * PublishStream publishes many messages; one response per request, in order.
   */
  PublishStream: grpc.handleBidiStreamingCall<_vigil_v1_PublishRequest__Output, _vigil_v1_PublishResponse>;
  
  /**
   * Subscribe streams the deliveries of a subscriber destination.
   */
  Subscribe: grpc.handleServerStreamingCall<_vigil_v1_SubscribeRequest__Output, _vigil_v1_Delivery>;
  
  /**
   * SubscribeBatches is Subscribe with several deliveries per stream message: what is ready, up
   * to max_batch, sent at once (never held back to fill a batch). Acks as for Subscribe.
   */
  SubscribeBatches: grpc.handleServerStreamingCall<_vigil_v1_SubscribeBatchesRequest__Output, _vigil_v1_SubscribeBatchesResponse>;
  
}

export interface RouterServiceDefinition extends grpc.ServiceDefinition {
  Ack: MethodDefinition<_vigil_v1_AckRequest, _vigil_v1_AckResponse, _vigil_v1_AckRequest__Output, _vigil_v1_AckResponse__Output>
  Publish: MethodDefinition<_vigil_v1_PublishRequest, _vigil_v1_PublishResponse, _vigil_v1_PublishRequest__Output, _vigil_v1_PublishResponse__Output>
  PublishBatch: MethodDefinition<_vigil_v1_PublishBatchRequest, _vigil_v1_PublishBatchResponse, _vigil_v1_PublishBatchRequest__Output, _vigil_v1_PublishBatchResponse__Output>
  PublishStream: MethodDefinition<_vigil_v1_PublishRequest, _vigil_v1_PublishResponse, _vigil_v1_PublishRequest__Output, _vigil_v1_PublishResponse__Output>
  Subscribe: MethodDefinition<_vigil_v1_SubscribeRequest, _vigil_v1_Delivery, _vigil_v1_SubscribeRequest__Output, _vigil_v1_Delivery__Output>
  SubscribeBatches: MethodDefinition<_vigil_v1_SubscribeBatchesRequest, _vigil_v1_SubscribeBatchesResponse, _vigil_v1_SubscribeBatchesRequest__Output, _vigil_v1_SubscribeBatchesResponse__Output>
}
