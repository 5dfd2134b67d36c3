// Original file: proto/vigil/v1/alert.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AcknowledgeRequest as _vigil_v1_AcknowledgeRequest, AcknowledgeRequest__Output as _vigil_v1_AcknowledgeRequest__Output } from '../../vigil/v1/AcknowledgeRequest.js';
import type { AcknowledgeResponse as _vigil_v1_AcknowledgeResponse, AcknowledgeResponse__Output as _vigil_v1_AcknowledgeResponse__Output } from '../../vigil/v1/AcknowledgeResponse.js';
import type { ListAlertsRequest as _vigil_v1_ListAlertsRequest, ListAlertsRequest__Output as _vigil_v1_ListAlertsRequest__Output } from '../../vigil/v1/ListAlertsRequest.js';
import type { ListAlertsResponse as _vigil_v1_ListAlertsResponse, ListAlertsResponse__Output as _vigil_v1_ListAlertsResponse__Output } from '../../vigil/v1/ListAlertsResponse.js';
import type { ListSilencesRequest as _vigil_v1_ListSilencesRequest, ListSilencesRequest__Output as _vigil_v1_ListSilencesRequest__Output } from '../../vigil/v1/ListSilencesRequest.js';
import type { ListSilencesResponse as _vigil_v1_ListSilencesResponse, ListSilencesResponse__Output as _vigil_v1_ListSilencesResponse__Output } from '../../vigil/v1/ListSilencesResponse.js';
import type { ResolveRequest as _vigil_v1_ResolveRequest, ResolveRequest__Output as _vigil_v1_ResolveRequest__Output } from '../../vigil/v1/ResolveRequest.js';
import type { ResolveResponse as _vigil_v1_ResolveResponse, ResolveResponse__Output as _vigil_v1_ResolveResponse__Output } from '../../vigil/v1/ResolveResponse.js';
import type { SilenceRequest as _vigil_v1_SilenceRequest, SilenceRequest__Output as _vigil_v1_SilenceRequest__Output } from '../../vigil/v1/SilenceRequest.js';
import type { SilenceResponse as _vigil_v1_SilenceResponse, SilenceResponse__Output as _vigil_v1_SilenceResponse__Output } from '../../vigil/v1/SilenceResponse.js';
import type { UnsilenceRequest as _vigil_v1_UnsilenceRequest, UnsilenceRequest__Output as _vigil_v1_UnsilenceRequest__Output } from '../../vigil/v1/UnsilenceRequest.js';
import type { UnsilenceResponse as _vigil_v1_UnsilenceResponse, UnsilenceResponse__Output as _vigil_v1_UnsilenceResponse__Output } from '../../vigil/v1/UnsilenceResponse.js';

/**
 * AlertService lists and manages the alerts of Vigil's rules.
 */
export interface AlertServiceClient extends grpc.Client {
  Acknowledge(argument: _vigil_v1_AcknowledgeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_AcknowledgeResponse__Output>): grpc.ClientUnaryCall;
  Acknowledge(argument: _vigil_v1_AcknowledgeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_AcknowledgeResponse__Output>): grpc.ClientUnaryCall;
  Acknowledge(argument: _vigil_v1_AcknowledgeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_AcknowledgeResponse__Output>): grpc.ClientUnaryCall;
  Acknowledge(argument: _vigil_v1_AcknowledgeRequest, callback: grpc.requestCallback<_vigil_v1_AcknowledgeResponse__Output>): grpc.ClientUnaryCall;
  acknowledge(argument: _vigil_v1_AcknowledgeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_AcknowledgeResponse__Output>): grpc.ClientUnaryCall;
  acknowledge(argument: _vigil_v1_AcknowledgeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_AcknowledgeResponse__Output>): grpc.ClientUnaryCall;
  acknowledge(argument: _vigil_v1_AcknowledgeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_AcknowledgeResponse__Output>): grpc.ClientUnaryCall;
  acknowledge(argument: _vigil_v1_AcknowledgeRequest, callback: grpc.requestCallback<_vigil_v1_AcknowledgeResponse__Output>): grpc.ClientUnaryCall;
  
  ListAlerts(argument: _vigil_v1_ListAlertsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  ListAlerts(argument: _vigil_v1_ListAlertsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  ListAlerts(argument: _vigil_v1_ListAlertsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  ListAlerts(argument: _vigil_v1_ListAlertsRequest, callback: grpc.requestCallback<_vigil_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  listAlerts(argument: _vigil_v1_ListAlertsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  listAlerts(argument: _vigil_v1_ListAlertsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  listAlerts(argument: _vigil_v1_ListAlertsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  listAlerts(argument: _vigil_v1_ListAlertsRequest, callback: grpc.requestCallback<_vigil_v1_ListAlertsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListSilences returns the silences in effect.
   */
  ListSilences(argument: _vigil_v1_ListSilencesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListSilencesResponse__Output>): grpc.ClientUnaryCall;
  ListSilences(argument: _vigil_v1_ListSilencesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ListSilencesResponse__Output>): grpc.ClientUnaryCall;
  ListSilences(argument: _vigil_v1_ListSilencesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListSilencesResponse__Output>): grpc.ClientUnaryCall;
  ListSilences(argument: _vigil_v1_ListSilencesRequest, callback: grpc.requestCallback<_vigil_v1_ListSilencesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListSilences returns the silences in effect.
   */
  listSilences(argument: _vigil_v1_ListSilencesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListSilencesResponse__Output>): grpc.ClientUnaryCall;
  listSilences(argument: _vigil_v1_ListSilencesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ListSilencesResponse__Output>): grpc.ClientUnaryCall;
  listSilences(argument: _vigil_v1_ListSilencesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListSilencesResponse__Output>): grpc.ClientUnaryCall;
  listSilences(argument: _vigil_v1_ListSilencesRequest, callback: grpc.requestCallback<_vigil_v1_ListSilencesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Resolve closes an alert by hand; it fires again if its condition still holds.
   */
  Resolve(argument: _vigil_v1_ResolveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _vigil_v1_ResolveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _vigil_v1_ResolveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _vigil_v1_ResolveRequest, callback: grpc.requestCallback<_vigil_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Resolve closes an alert by hand; it fires again if its condition still holds.
   */
  resolve(argument: _vigil_v1_ResolveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  resolve(argument: _vigil_v1_ResolveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  resolve(argument: _vigil_v1_ResolveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  resolve(argument: _vigil_v1_ResolveRequest, callback: grpc.requestCallback<_vigil_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  
  Silence(argument: _vigil_v1_SilenceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_SilenceResponse__Output>): grpc.ClientUnaryCall;
  Silence(argument: _vigil_v1_SilenceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_SilenceResponse__Output>): grpc.ClientUnaryCall;
  Silence(argument: _vigil_v1_SilenceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_SilenceResponse__Output>): grpc.ClientUnaryCall;
  Silence(argument: _vigil_v1_SilenceRequest, callback: grpc.requestCallback<_vigil_v1_SilenceResponse__Output>): grpc.ClientUnaryCall;
  silence(argument: _vigil_v1_SilenceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_SilenceResponse__Output>): grpc.ClientUnaryCall;
  silence(argument: _vigil_v1_SilenceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_SilenceResponse__Output>): grpc.ClientUnaryCall;
  silence(argument: _vigil_v1_SilenceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_SilenceResponse__Output>): grpc.ClientUnaryCall;
  silence(argument: _vigil_v1_SilenceRequest, callback: grpc.requestCallback<_vigil_v1_SilenceResponse__Output>): grpc.ClientUnaryCall;
  
  Unsilence(argument: _vigil_v1_UnsilenceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_UnsilenceResponse__Output>): grpc.ClientUnaryCall;
  Unsilence(argument: _vigil_v1_UnsilenceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_UnsilenceResponse__Output>): grpc.ClientUnaryCall;
  Unsilence(argument: _vigil_v1_UnsilenceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_UnsilenceResponse__Output>): grpc.ClientUnaryCall;
  Unsilence(argument: _vigil_v1_UnsilenceRequest, callback: grpc.requestCallback<_vigil_v1_UnsilenceResponse__Output>): grpc.ClientUnaryCall;
  unsilence(argument: _vigil_v1_UnsilenceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_UnsilenceResponse__Output>): grpc.ClientUnaryCall;
  unsilence(argument: _vigil_v1_UnsilenceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_UnsilenceResponse__Output>): grpc.ClientUnaryCall;
  unsilence(argument: _vigil_v1_UnsilenceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_UnsilenceResponse__Output>): grpc.ClientUnaryCall;
  unsilence(argument: _vigil_v1_UnsilenceRequest, callback: grpc.requestCallback<_vigil_v1_UnsilenceResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * AlertService lists and manages the alerts of Vigil's rules.
 */
export interface AlertServiceHandlers extends grpc.UntypedServiceImplementation {
  Acknowledge: grpc.handleUnaryCall<_vigil_v1_AcknowledgeRequest__Output, _vigil_v1_AcknowledgeResponse>;
  
  ListAlerts: grpc.handleUnaryCall<_vigil_v1_ListAlertsRequest__Output, _vigil_v1_ListAlertsResponse>;
  
  /**
   * ListSilences returns the silences in effect.
   */
  ListSilences: grpc.handleUnaryCall<_vigil_v1_ListSilencesRequest__Output, _vigil_v1_ListSilencesResponse>;
  
  /**
   * Resolve closes an alert by hand; it fires again if its condition still holds.
   */
  Resolve: grpc.handleUnaryCall<_vigil_v1_ResolveRequest__Output, _vigil_v1_ResolveResponse>;
  
  Silence: grpc.handleUnaryCall<_vigil_v1_SilenceRequest__Output, _vigil_v1_SilenceResponse>;
  
  Unsilence: grpc.handleUnaryCall<_vigil_v1_UnsilenceRequest__Output, _vigil_v1_UnsilenceResponse>;
  
}

export interface AlertServiceDefinition extends grpc.ServiceDefinition {
  Acknowledge: MethodDefinition<_vigil_v1_AcknowledgeRequest, _vigil_v1_AcknowledgeResponse, _vigil_v1_AcknowledgeRequest__Output, _vigil_v1_AcknowledgeResponse__Output>
  ListAlerts: MethodDefinition<_vigil_v1_ListAlertsRequest, _vigil_v1_ListAlertsResponse, _vigil_v1_ListAlertsRequest__Output, _vigil_v1_ListAlertsResponse__Output>
  ListSilences: MethodDefinition<_vigil_v1_ListSilencesRequest, _vigil_v1_ListSilencesResponse, _vigil_v1_ListSilencesRequest__Output, _vigil_v1_ListSilencesResponse__Output>
  Resolve: MethodDefinition<_vigil_v1_ResolveRequest, _vigil_v1_ResolveResponse, _vigil_v1_ResolveRequest__Output, _vigil_v1_ResolveResponse__Output>
  Silence: MethodDefinition<_vigil_v1_SilenceRequest, _vigil_v1_SilenceResponse, _vigil_v1_SilenceRequest__Output, _vigil_v1_SilenceResponse__Output>
  Unsilence: MethodDefinition<_vigil_v1_UnsilenceRequest, _vigil_v1_UnsilenceResponse, _vigil_v1_UnsilenceRequest__Output, _vigil_v1_UnsilenceResponse__Output>
}
