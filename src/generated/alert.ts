import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { AcknowledgeRequest as _vigil_v1_AcknowledgeRequest, AcknowledgeRequest__Output as _vigil_v1_AcknowledgeRequest__Output } from './vigil/v1/AcknowledgeRequest.js';
import type { AcknowledgeResponse as _vigil_v1_AcknowledgeResponse, AcknowledgeResponse__Output as _vigil_v1_AcknowledgeResponse__Output } from './vigil/v1/AcknowledgeResponse.js';
import type { Acknowledgement as _vigil_v1_Acknowledgement, Acknowledgement__Output as _vigil_v1_Acknowledgement__Output } from './vigil/v1/Acknowledgement.js';
import type { Alert as _vigil_v1_Alert, Alert__Output as _vigil_v1_Alert__Output } from './vigil/v1/Alert.js';
import type { AlertServiceClient as _vigil_v1_AlertServiceClient, AlertServiceDefinition as _vigil_v1_AlertServiceDefinition } from './vigil/v1/AlertService.js';
import type { ListAlertsRequest as _vigil_v1_ListAlertsRequest, ListAlertsRequest__Output as _vigil_v1_ListAlertsRequest__Output } from './vigil/v1/ListAlertsRequest.js';
import type { ListAlertsResponse as _vigil_v1_ListAlertsResponse, ListAlertsResponse__Output as _vigil_v1_ListAlertsResponse__Output } from './vigil/v1/ListAlertsResponse.js';
import type { ListSilencesRequest as _vigil_v1_ListSilencesRequest, ListSilencesRequest__Output as _vigil_v1_ListSilencesRequest__Output } from './vigil/v1/ListSilencesRequest.js';
import type { ListSilencesResponse as _vigil_v1_ListSilencesResponse, ListSilencesResponse__Output as _vigil_v1_ListSilencesResponse__Output } from './vigil/v1/ListSilencesResponse.js';
import type { Matcher as _vigil_v1_Matcher, Matcher__Output as _vigil_v1_Matcher__Output } from './vigil/v1/Matcher.js';
import type { ResolveRequest as _vigil_v1_ResolveRequest, ResolveRequest__Output as _vigil_v1_ResolveRequest__Output } from './vigil/v1/ResolveRequest.js';
import type { ResolveResponse as _vigil_v1_ResolveResponse, ResolveResponse__Output as _vigil_v1_ResolveResponse__Output } from './vigil/v1/ResolveResponse.js';
import type { SilenceInfo as _vigil_v1_SilenceInfo, SilenceInfo__Output as _vigil_v1_SilenceInfo__Output } from './vigil/v1/SilenceInfo.js';
import type { SilenceRequest as _vigil_v1_SilenceRequest, SilenceRequest__Output as _vigil_v1_SilenceRequest__Output } from './vigil/v1/SilenceRequest.js';
import type { SilenceResponse as _vigil_v1_SilenceResponse, SilenceResponse__Output as _vigil_v1_SilenceResponse__Output } from './vigil/v1/SilenceResponse.js';
import type { UnsilenceRequest as _vigil_v1_UnsilenceRequest, UnsilenceRequest__Output as _vigil_v1_UnsilenceRequest__Output } from './vigil/v1/UnsilenceRequest.js';
import type { UnsilenceResponse as _vigil_v1_UnsilenceResponse, UnsilenceResponse__Output as _vigil_v1_UnsilenceResponse__Output } from './vigil/v1/UnsilenceResponse.js';

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
      AcknowledgeRequest: MessageTypeDefinition<_vigil_v1_AcknowledgeRequest, _vigil_v1_AcknowledgeRequest__Output>
      AcknowledgeResponse: MessageTypeDefinition<_vigil_v1_AcknowledgeResponse, _vigil_v1_AcknowledgeResponse__Output>
      Acknowledgement: MessageTypeDefinition<_vigil_v1_Acknowledgement, _vigil_v1_Acknowledgement__Output>
      Alert: MessageTypeDefinition<_vigil_v1_Alert, _vigil_v1_Alert__Output>
      /**
       * AlertService lists and manages the alerts of Vigil's rules.
       */
      AlertService: SubtypeConstructor<typeof grpc.Client, _vigil_v1_AlertServiceClient> & { service: _vigil_v1_AlertServiceDefinition }
      AlertState: EnumTypeDefinition
      ListAlertsRequest: MessageTypeDefinition<_vigil_v1_ListAlertsRequest, _vigil_v1_ListAlertsRequest__Output>
      ListAlertsResponse: MessageTypeDefinition<_vigil_v1_ListAlertsResponse, _vigil_v1_ListAlertsResponse__Output>
      ListSilencesRequest: MessageTypeDefinition<_vigil_v1_ListSilencesRequest, _vigil_v1_ListSilencesRequest__Output>
      ListSilencesResponse: MessageTypeDefinition<_vigil_v1_ListSilencesResponse, _vigil_v1_ListSilencesResponse__Output>
      MatchOperator: EnumTypeDefinition
      Matcher: MessageTypeDefinition<_vigil_v1_Matcher, _vigil_v1_Matcher__Output>
      ResolveRequest: MessageTypeDefinition<_vigil_v1_ResolveRequest, _vigil_v1_ResolveRequest__Output>
      ResolveResponse: MessageTypeDefinition<_vigil_v1_ResolveResponse, _vigil_v1_ResolveResponse__Output>
      Severity: EnumTypeDefinition
      SilenceInfo: MessageTypeDefinition<_vigil_v1_SilenceInfo, _vigil_v1_SilenceInfo__Output>
      SilenceRequest: MessageTypeDefinition<_vigil_v1_SilenceRequest, _vigil_v1_SilenceRequest__Output>
      SilenceResponse: MessageTypeDefinition<_vigil_v1_SilenceResponse, _vigil_v1_SilenceResponse__Output>
      UnsilenceRequest: MessageTypeDefinition<_vigil_v1_UnsilenceRequest, _vigil_v1_UnsilenceRequest__Output>
      UnsilenceResponse: MessageTypeDefinition<_vigil_v1_UnsilenceResponse, _vigil_v1_UnsilenceResponse__Output>
    }
  }
}

