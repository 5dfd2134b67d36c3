// Original file: proto/vigil/v1/metrics.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RecordRequest as _vigil_v1_RecordRequest, RecordRequest__Output as _vigil_v1_RecordRequest__Output } from '../../vigil/v1/RecordRequest.js';
import type { RecordResponse as _vigil_v1_RecordResponse, RecordResponse__Output as _vigil_v1_RecordResponse__Output } from '../../vigil/v1/RecordResponse.js';

/**
 * MetricsService turns a bot's metric points into OpenTelemetry metrics.
 */
export interface MetricsServiceClient extends grpc.Client {
  /**
   * Record ingests one batch; a bad point is rejected alone.
   */
  Record(argument: _vigil_v1_RecordRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientUnaryCall;
  Record(argument: _vigil_v1_RecordRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientUnaryCall;
  Record(argument: _vigil_v1_RecordRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientUnaryCall;
  Record(argument: _vigil_v1_RecordRequest, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Record ingests one batch; a bad point is rejected alone.
   */
  record(argument: _vigil_v1_RecordRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientUnaryCall;
  record(argument: _vigil_v1_RecordRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientUnaryCall;
  record(argument: _vigil_v1_RecordRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientUnaryCall;
  record(argument: _vigil_v1_RecordRequest, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * RecordStream ingests many batches over one stream, answered once at the end.
   */
  RecordStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientWritableStream<_vigil_v1_RecordRequest>;
  RecordStream(metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientWritableStream<_vigil_v1_RecordRequest>;
  RecordStream(options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientWritableStream<_vigil_v1_RecordRequest>;
  RecordStream(callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientWritableStream<_vigil_v1_RecordRequest>;
  /**
   * RecordStream ingests many batches over one stream, answered once at the end.
   */
  recordStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientWritableStream<_vigil_v1_RecordRequest>;
  recordStream(metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientWritableStream<_vigil_v1_RecordRequest>;
  recordStream(options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientWritableStream<_vigil_v1_RecordRequest>;
  recordStream(callback: grpc.requestCallback<_vigil_v1_RecordResponse__Output>): grpc.ClientWritableStream<_vigil_v1_RecordRequest>;
  
}

/**
 * MetricsService turns a bot's metric points into OpenTelemetry metrics.
 */
export interface MetricsServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Record ingests one batch; a bad point is rejected alone.
   */
  Record: grpc.handleUnaryCall<_vigil_v1_RecordRequest__Output, _vigil_v1_RecordResponse>;
  
  /**
   * RecordStream ingests many batches over one stream, answered once at the end.
   */
  RecordStream: grpc.handleClientStreamingCall<_vigil_v1_RecordRequest__Output, _vigil_v1_RecordResponse>;
  
}

export interface MetricsServiceDefinition extends grpc.ServiceDefinition {
  Record: MethodDefinition<_vigil_v1_RecordRequest, _vigil_v1_RecordResponse, _vigil_v1_RecordRequest__Output, _vigil_v1_RecordResponse__Output>
  RecordStream: MethodDefinition<_vigil_v1_RecordRequest, _vigil_v1_RecordResponse, _vigil_v1_RecordRequest__Output, _vigil_v1_RecordResponse__Output>
}
