// Original file: proto/vigil/v1/heartbeat.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BeatRequest as _vigil_v1_BeatRequest, BeatRequest__Output as _vigil_v1_BeatRequest__Output } from '../../vigil/v1/BeatRequest.js';
import type { BeatResponse as _vigil_v1_BeatResponse, BeatResponse__Output as _vigil_v1_BeatResponse__Output } from '../../vigil/v1/BeatResponse.js';
import type { DeregisterRequest as _vigil_v1_DeregisterRequest, DeregisterRequest__Output as _vigil_v1_DeregisterRequest__Output } from '../../vigil/v1/DeregisterRequest.js';
import type { DeregisterResponse as _vigil_v1_DeregisterResponse, DeregisterResponse__Output as _vigil_v1_DeregisterResponse__Output } from '../../vigil/v1/DeregisterResponse.js';
import type { ListComponentsRequest as _vigil_v1_ListComponentsRequest, ListComponentsRequest__Output as _vigil_v1_ListComponentsRequest__Output } from '../../vigil/v1/ListComponentsRequest.js';
import type { ListComponentsResponse as _vigil_v1_ListComponentsResponse, ListComponentsResponse__Output as _vigil_v1_ListComponentsResponse__Output } from '../../vigil/v1/ListComponentsResponse.js';

/**
 * HeartbeatService tracks the liveness of a bot's components.
 */
export interface HeartbeatServiceClient extends grpc.Client {
  /**
   * Beat records one heartbeat; the first beat of a name registers the component.
   */
  Beat(argument: _vigil_v1_BeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_BeatResponse__Output>): grpc.ClientUnaryCall;
  Beat(argument: _vigil_v1_BeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_BeatResponse__Output>): grpc.ClientUnaryCall;
  Beat(argument: _vigil_v1_BeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_BeatResponse__Output>): grpc.ClientUnaryCall;
  Beat(argument: _vigil_v1_BeatRequest, callback: grpc.requestCallback<_vigil_v1_BeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Beat records one heartbeat; the first beat of a name registers the component.
   */
  beat(argument: _vigil_v1_BeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_BeatResponse__Output>): grpc.ClientUnaryCall;
  beat(argument: _vigil_v1_BeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_BeatResponse__Output>): grpc.ClientUnaryCall;
  beat(argument: _vigil_v1_BeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_BeatResponse__Output>): grpc.ClientUnaryCall;
  beat(argument: _vigil_v1_BeatRequest, callback: grpc.requestCallback<_vigil_v1_BeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deregister removes a component after a planned stop; no alert follows.
   */
  Deregister(argument: _vigil_v1_DeregisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  Deregister(argument: _vigil_v1_DeregisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  Deregister(argument: _vigil_v1_DeregisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  Deregister(argument: _vigil_v1_DeregisterRequest, callback: grpc.requestCallback<_vigil_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deregister removes a component after a planned stop; no alert follows.
   */
  deregister(argument: _vigil_v1_DeregisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  deregister(argument: _vigil_v1_DeregisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  deregister(argument: _vigil_v1_DeregisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  deregister(argument: _vigil_v1_DeregisterRequest, callback: grpc.requestCallback<_vigil_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListComponents returns the overall status and every component's state.
   */
  ListComponents(argument: _vigil_v1_ListComponentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListComponentsResponse__Output>): grpc.ClientUnaryCall;
  ListComponents(argument: _vigil_v1_ListComponentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ListComponentsResponse__Output>): grpc.ClientUnaryCall;
  ListComponents(argument: _vigil_v1_ListComponentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListComponentsResponse__Output>): grpc.ClientUnaryCall;
  ListComponents(argument: _vigil_v1_ListComponentsRequest, callback: grpc.requestCallback<_vigil_v1_ListComponentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListComponents returns the overall status and every component's state.
   */
  listComponents(argument: _vigil_v1_ListComponentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListComponentsResponse__Output>): grpc.ClientUnaryCall;
  listComponents(argument: _vigil_v1_ListComponentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ListComponentsResponse__Output>): grpc.ClientUnaryCall;
  listComponents(argument: _vigil_v1_ListComponentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListComponentsResponse__Output>): grpc.ClientUnaryCall;
  listComponents(argument: _vigil_v1_ListComponentsRequest, callback: grpc.requestCallback<_vigil_v1_ListComponentsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * HeartbeatService tracks the liveness of a bot's components.
 */
export interface HeartbeatServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Beat records one heartbeat; the first beat of a name registers the component.
   */
  Beat: grpc.handleUnaryCall<_vigil_v1_BeatRequest__Output, _vigil_v1_BeatResponse>;
  
  /**
   * Deregister removes a component after a planned stop; no alert follows.
   */
  Deregister: grpc.handleUnaryCall<_vigil_v1_DeregisterRequest__Output, _vigil_v1_DeregisterResponse>;
  
  /**
   * ListComponents returns the overall status and every component's state.
   */
  ListComponents: grpc.handleUnaryCall<_vigil_v1_ListComponentsRequest__Output, _vigil_v1_ListComponentsResponse>;
  
}

export interface HeartbeatServiceDefinition extends grpc.ServiceDefinition {
  Beat: MethodDefinition<_vigil_v1_BeatRequest, _vigil_v1_BeatResponse, _vigil_v1_BeatRequest__Output, _vigil_v1_BeatResponse__Output>
  Deregister: MethodDefinition<_vigil_v1_DeregisterRequest, _vigil_v1_DeregisterResponse, _vigil_v1_DeregisterRequest__Output, _vigil_v1_DeregisterResponse__Output>
  ListComponents: MethodDefinition<_vigil_v1_ListComponentsRequest, _vigil_v1_ListComponentsResponse, _vigil_v1_ListComponentsRequest__Output, _vigil_v1_ListComponentsResponse__Output>
}
