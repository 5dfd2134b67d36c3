import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { BeatRequest as _vigil_v1_BeatRequest, BeatRequest__Output as _vigil_v1_BeatRequest__Output } from './vigil/v1/BeatRequest.js';
import type { BeatResponse as _vigil_v1_BeatResponse, BeatResponse__Output as _vigil_v1_BeatResponse__Output } from './vigil/v1/BeatResponse.js';
import type { Component as _vigil_v1_Component, Component__Output as _vigil_v1_Component__Output } from './vigil/v1/Component.js';
import type { ComponentError as _vigil_v1_ComponentError, ComponentError__Output as _vigil_v1_ComponentError__Output } from './vigil/v1/ComponentError.js';
import type { DeregisterRequest as _vigil_v1_DeregisterRequest, DeregisterRequest__Output as _vigil_v1_DeregisterRequest__Output } from './vigil/v1/DeregisterRequest.js';
import type { DeregisterResponse as _vigil_v1_DeregisterResponse, DeregisterResponse__Output as _vigil_v1_DeregisterResponse__Output } from './vigil/v1/DeregisterResponse.js';
import type { HeartbeatServiceClient as _vigil_v1_HeartbeatServiceClient, HeartbeatServiceDefinition as _vigil_v1_HeartbeatServiceDefinition } from './vigil/v1/HeartbeatService.js';
import type { ListComponentsRequest as _vigil_v1_ListComponentsRequest, ListComponentsRequest__Output as _vigil_v1_ListComponentsRequest__Output } from './vigil/v1/ListComponentsRequest.js';
import type { ListComponentsResponse as _vigil_v1_ListComponentsResponse, ListComponentsResponse__Output as _vigil_v1_ListComponentsResponse__Output } from './vigil/v1/ListComponentsResponse.js';

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
      BeatRequest: MessageTypeDefinition<_vigil_v1_BeatRequest, _vigil_v1_BeatRequest__Output>
      BeatResponse: MessageTypeDefinition<_vigil_v1_BeatResponse, _vigil_v1_BeatResponse__Output>
      Component: MessageTypeDefinition<_vigil_v1_Component, _vigil_v1_Component__Output>
      ComponentError: MessageTypeDefinition<_vigil_v1_ComponentError, _vigil_v1_ComponentError__Output>
      ComponentState: EnumTypeDefinition
      DeregisterRequest: MessageTypeDefinition<_vigil_v1_DeregisterRequest, _vigil_v1_DeregisterRequest__Output>
      DeregisterResponse: MessageTypeDefinition<_vigil_v1_DeregisterResponse, _vigil_v1_DeregisterResponse__Output>
      Health: EnumTypeDefinition
      /**
       * HeartbeatService tracks the liveness of a bot's components.
       */
      HeartbeatService: SubtypeConstructor<typeof grpc.Client, _vigil_v1_HeartbeatServiceClient> & { service: _vigil_v1_HeartbeatServiceDefinition }
      ListComponentsRequest: MessageTypeDefinition<_vigil_v1_ListComponentsRequest, _vigil_v1_ListComponentsRequest__Output>
      ListComponentsResponse: MessageTypeDefinition<_vigil_v1_ListComponentsResponse, _vigil_v1_ListComponentsResponse__Output>
      OverallStatus: EnumTypeDefinition
      Signal: EnumTypeDefinition
    }
  }
}

