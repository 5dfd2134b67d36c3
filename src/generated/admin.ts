import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { AckRequest as _vigil_v1_AckRequest, AckRequest__Output as _vigil_v1_AckRequest__Output } from './vigil/v1/AckRequest.js';
import type { AckResponse as _vigil_v1_AckResponse, AckResponse__Output as _vigil_v1_AckResponse__Output } from './vigil/v1/AckResponse.js';
import type { AcknowledgeRequest as _vigil_v1_AcknowledgeRequest, AcknowledgeRequest__Output as _vigil_v1_AcknowledgeRequest__Output } from './vigil/v1/AcknowledgeRequest.js';
import type { AcknowledgeResponse as _vigil_v1_AcknowledgeResponse, AcknowledgeResponse__Output as _vigil_v1_AcknowledgeResponse__Output } from './vigil/v1/AcknowledgeResponse.js';
import type { Acknowledgement as _vigil_v1_Acknowledgement, Acknowledgement__Output as _vigil_v1_Acknowledgement__Output } from './vigil/v1/Acknowledgement.js';
import type { AdminServiceClient as _vigil_v1_AdminServiceClient, AdminServiceDefinition as _vigil_v1_AdminServiceDefinition } from './vigil/v1/AdminService.js';
import type { Alert as _vigil_v1_Alert, Alert__Output as _vigil_v1_Alert__Output } from './vigil/v1/Alert.js';
import type { AlertServiceClient as _vigil_v1_AlertServiceClient, AlertServiceDefinition as _vigil_v1_AlertServiceDefinition } from './vigil/v1/AlertService.js';
import type { BeatRequest as _vigil_v1_BeatRequest, BeatRequest__Output as _vigil_v1_BeatRequest__Output } from './vigil/v1/BeatRequest.js';
import type { BeatResponse as _vigil_v1_BeatResponse, BeatResponse__Output as _vigil_v1_BeatResponse__Output } from './vigil/v1/BeatResponse.js';
import type { CleanerStatus as _vigil_v1_CleanerStatus, CleanerStatus__Output as _vigil_v1_CleanerStatus__Output } from './vigil/v1/CleanerStatus.js';
import type { CleanupReport as _vigil_v1_CleanupReport, CleanupReport__Output as _vigil_v1_CleanupReport__Output } from './vigil/v1/CleanupReport.js';
import type { Component as _vigil_v1_Component, Component__Output as _vigil_v1_Component__Output } from './vigil/v1/Component.js';
import type { ComponentError as _vigil_v1_ComponentError, ComponentError__Output as _vigil_v1_ComponentError__Output } from './vigil/v1/ComponentError.js';
import type { ConfigChange as _vigil_v1_ConfigChange, ConfigChange__Output as _vigil_v1_ConfigChange__Output } from './vigil/v1/ConfigChange.js';
import type { ConfigErrorStatus as _vigil_v1_ConfigErrorStatus, ConfigErrorStatus__Output as _vigil_v1_ConfigErrorStatus__Output } from './vigil/v1/ConfigErrorStatus.js';
import type { ConfigVersion as _vigil_v1_ConfigVersion, ConfigVersion__Output as _vigil_v1_ConfigVersion__Output } from './vigil/v1/ConfigVersion.js';
import type { Delivery as _vigil_v1_Delivery, Delivery__Output as _vigil_v1_Delivery__Output } from './vigil/v1/Delivery.js';
import type { DeregisterRequest as _vigil_v1_DeregisterRequest, DeregisterRequest__Output as _vigil_v1_DeregisterRequest__Output } from './vigil/v1/DeregisterRequest.js';
import type { DeregisterResponse as _vigil_v1_DeregisterResponse, DeregisterResponse__Output as _vigil_v1_DeregisterResponse__Output } from './vigil/v1/DeregisterResponse.js';
import type { DestinationFault as _vigil_v1_DestinationFault, DestinationFault__Output as _vigil_v1_DestinationFault__Output } from './vigil/v1/DestinationFault.js';
import type { DestinationStatus as _vigil_v1_DestinationStatus, DestinationStatus__Output as _vigil_v1_DestinationStatus__Output } from './vigil/v1/DestinationStatus.js';
import type { DiagnoseRequest as _vigil_v1_DiagnoseRequest, DiagnoseRequest__Output as _vigil_v1_DiagnoseRequest__Output } from './vigil/v1/DiagnoseRequest.js';
import type { DiagnoseResponse as _vigil_v1_DiagnoseResponse, DiagnoseResponse__Output as _vigil_v1_DiagnoseResponse__Output } from './vigil/v1/DiagnoseResponse.js';
import type { DiffConfigRequest as _vigil_v1_DiffConfigRequest, DiffConfigRequest__Output as _vigil_v1_DiffConfigRequest__Output } from './vigil/v1/DiffConfigRequest.js';
import type { DiffConfigResponse as _vigil_v1_DiffConfigResponse, DiffConfigResponse__Output as _vigil_v1_DiffConfigResponse__Output } from './vigil/v1/DiffConfigResponse.js';
import type { ExportConfigRequest as _vigil_v1_ExportConfigRequest, ExportConfigRequest__Output as _vigil_v1_ExportConfigRequest__Output } from './vigil/v1/ExportConfigRequest.js';
import type { ExportConfigResponse as _vigil_v1_ExportConfigResponse, ExportConfigResponse__Output as _vigil_v1_ExportConfigResponse__Output } from './vigil/v1/ExportConfigResponse.js';
import type { GetStatusRequest as _vigil_v1_GetStatusRequest, GetStatusRequest__Output as _vigil_v1_GetStatusRequest__Output } from './vigil/v1/GetStatusRequest.js';
import type { GetStatusResponse as _vigil_v1_GetStatusResponse, GetStatusResponse__Output as _vigil_v1_GetStatusResponse__Output } from './vigil/v1/GetStatusResponse.js';
import type { HeartbeatServiceClient as _vigil_v1_HeartbeatServiceClient, HeartbeatServiceDefinition as _vigil_v1_HeartbeatServiceDefinition } from './vigil/v1/HeartbeatService.js';
import type { ImportConfigRequest as _vigil_v1_ImportConfigRequest, ImportConfigRequest__Output as _vigil_v1_ImportConfigRequest__Output } from './vigil/v1/ImportConfigRequest.js';
import type { ImportConfigResponse as _vigil_v1_ImportConfigResponse, ImportConfigResponse__Output as _vigil_v1_ImportConfigResponse__Output } from './vigil/v1/ImportConfigResponse.js';
import type { ListAlertsRequest as _vigil_v1_ListAlertsRequest, ListAlertsRequest__Output as _vigil_v1_ListAlertsRequest__Output } from './vigil/v1/ListAlertsRequest.js';
import type { ListAlertsResponse as _vigil_v1_ListAlertsResponse, ListAlertsResponse__Output as _vigil_v1_ListAlertsResponse__Output } from './vigil/v1/ListAlertsResponse.js';
import type { ListComponentsRequest as _vigil_v1_ListComponentsRequest, ListComponentsRequest__Output as _vigil_v1_ListComponentsRequest__Output } from './vigil/v1/ListComponentsRequest.js';
import type { ListComponentsResponse as _vigil_v1_ListComponentsResponse, ListComponentsResponse__Output as _vigil_v1_ListComponentsResponse__Output } from './vigil/v1/ListComponentsResponse.js';
import type { ListConfigVersionsRequest as _vigil_v1_ListConfigVersionsRequest, ListConfigVersionsRequest__Output as _vigil_v1_ListConfigVersionsRequest__Output } from './vigil/v1/ListConfigVersionsRequest.js';
import type { ListConfigVersionsResponse as _vigil_v1_ListConfigVersionsResponse, ListConfigVersionsResponse__Output as _vigil_v1_ListConfigVersionsResponse__Output } from './vigil/v1/ListConfigVersionsResponse.js';
import type { ListSilencesRequest as _vigil_v1_ListSilencesRequest, ListSilencesRequest__Output as _vigil_v1_ListSilencesRequest__Output } from './vigil/v1/ListSilencesRequest.js';
import type { ListSilencesResponse as _vigil_v1_ListSilencesResponse, ListSilencesResponse__Output as _vigil_v1_ListSilencesResponse__Output } from './vigil/v1/ListSilencesResponse.js';
import type { LogRecord as _vigil_v1_LogRecord, LogRecord__Output as _vigil_v1_LogRecord__Output } from './vigil/v1/LogRecord.js';
import type { LogWriterStatus as _vigil_v1_LogWriterStatus, LogWriterStatus__Output as _vigil_v1_LogWriterStatus__Output } from './vigil/v1/LogWriterStatus.js';
import type { Matcher as _vigil_v1_Matcher, Matcher__Output as _vigil_v1_Matcher__Output } from './vigil/v1/Matcher.js';
import type { MetricsIngestStatus as _vigil_v1_MetricsIngestStatus, MetricsIngestStatus__Output as _vigil_v1_MetricsIngestStatus__Output } from './vigil/v1/MetricsIngestStatus.js';
import type { OverallVerdict as _vigil_v1_OverallVerdict, OverallVerdict__Output as _vigil_v1_OverallVerdict__Output } from './vigil/v1/OverallVerdict.js';
import type { PauseDestinationRequest as _vigil_v1_PauseDestinationRequest, PauseDestinationRequest__Output as _vigil_v1_PauseDestinationRequest__Output } from './vigil/v1/PauseDestinationRequest.js';
import type { PauseDestinationResponse as _vigil_v1_PauseDestinationResponse, PauseDestinationResponse__Output as _vigil_v1_PauseDestinationResponse__Output } from './vigil/v1/PauseDestinationResponse.js';
import type { PeekQueueRequest as _vigil_v1_PeekQueueRequest, PeekQueueRequest__Output as _vigil_v1_PeekQueueRequest__Output } from './vigil/v1/PeekQueueRequest.js';
import type { PeekQueueResponse as _vigil_v1_PeekQueueResponse, PeekQueueResponse__Output as _vigil_v1_PeekQueueResponse__Output } from './vigil/v1/PeekQueueResponse.js';
import type { ProcessStatus as _vigil_v1_ProcessStatus, ProcessStatus__Output as _vigil_v1_ProcessStatus__Output } from './vigil/v1/ProcessStatus.js';
import type { PublishBatchRequest as _vigil_v1_PublishBatchRequest, PublishBatchRequest__Output as _vigil_v1_PublishBatchRequest__Output } from './vigil/v1/PublishBatchRequest.js';
import type { PublishBatchResponse as _vigil_v1_PublishBatchResponse, PublishBatchResponse__Output as _vigil_v1_PublishBatchResponse__Output } from './vigil/v1/PublishBatchResponse.js';
import type { PublishRequest as _vigil_v1_PublishRequest, PublishRequest__Output as _vigil_v1_PublishRequest__Output } from './vigil/v1/PublishRequest.js';
import type { PublishResponse as _vigil_v1_PublishResponse, PublishResponse__Output as _vigil_v1_PublishResponse__Output } from './vigil/v1/PublishResponse.js';
import type { PublishResult as _vigil_v1_PublishResult, PublishResult__Output as _vigil_v1_PublishResult__Output } from './vigil/v1/PublishResult.js';
import type { QueryLogsRequest as _vigil_v1_QueryLogsRequest, QueryLogsRequest__Output as _vigil_v1_QueryLogsRequest__Output } from './vigil/v1/QueryLogsRequest.js';
import type { QueuedMessageInfo as _vigil_v1_QueuedMessageInfo, QueuedMessageInfo__Output as _vigil_v1_QueuedMessageInfo__Output } from './vigil/v1/QueuedMessageInfo.js';
import type { RedriveDeadLettersRequest as _vigil_v1_RedriveDeadLettersRequest, RedriveDeadLettersRequest__Output as _vigil_v1_RedriveDeadLettersRequest__Output } from './vigil/v1/RedriveDeadLettersRequest.js';
import type { RedriveDeadLettersResponse as _vigil_v1_RedriveDeadLettersResponse, RedriveDeadLettersResponse__Output as _vigil_v1_RedriveDeadLettersResponse__Output } from './vigil/v1/RedriveDeadLettersResponse.js';
import type { ReloadConfigRequest as _vigil_v1_ReloadConfigRequest, ReloadConfigRequest__Output as _vigil_v1_ReloadConfigRequest__Output } from './vigil/v1/ReloadConfigRequest.js';
import type { ReloadConfigResponse as _vigil_v1_ReloadConfigResponse, ReloadConfigResponse__Output as _vigil_v1_ReloadConfigResponse__Output } from './vigil/v1/ReloadConfigResponse.js';
import type { ResolveRequest as _vigil_v1_ResolveRequest, ResolveRequest__Output as _vigil_v1_ResolveRequest__Output } from './vigil/v1/ResolveRequest.js';
import type { ResolveResponse as _vigil_v1_ResolveResponse, ResolveResponse__Output as _vigil_v1_ResolveResponse__Output } from './vigil/v1/ResolveResponse.js';
import type { ResumeDestinationRequest as _vigil_v1_ResumeDestinationRequest, ResumeDestinationRequest__Output as _vigil_v1_ResumeDestinationRequest__Output } from './vigil/v1/ResumeDestinationRequest.js';
import type { ResumeDestinationResponse as _vigil_v1_ResumeDestinationResponse, ResumeDestinationResponse__Output as _vigil_v1_ResumeDestinationResponse__Output } from './vigil/v1/ResumeDestinationResponse.js';
import type { RollbackConfigRequest as _vigil_v1_RollbackConfigRequest, RollbackConfigRequest__Output as _vigil_v1_RollbackConfigRequest__Output } from './vigil/v1/RollbackConfigRequest.js';
import type { RollbackConfigResponse as _vigil_v1_RollbackConfigResponse, RollbackConfigResponse__Output as _vigil_v1_RollbackConfigResponse__Output } from './vigil/v1/RollbackConfigResponse.js';
import type { RouterServiceClient as _vigil_v1_RouterServiceClient, RouterServiceDefinition as _vigil_v1_RouterServiceDefinition } from './vigil/v1/RouterService.js';
import type { RunCleanupRequest as _vigil_v1_RunCleanupRequest, RunCleanupRequest__Output as _vigil_v1_RunCleanupRequest__Output } from './vigil/v1/RunCleanupRequest.js';
import type { RunCleanupResponse as _vigil_v1_RunCleanupResponse, RunCleanupResponse__Output as _vigil_v1_RunCleanupResponse__Output } from './vigil/v1/RunCleanupResponse.js';
import type { SilenceInfo as _vigil_v1_SilenceInfo, SilenceInfo__Output as _vigil_v1_SilenceInfo__Output } from './vigil/v1/SilenceInfo.js';
import type { SilenceRequest as _vigil_v1_SilenceRequest, SilenceRequest__Output as _vigil_v1_SilenceRequest__Output } from './vigil/v1/SilenceRequest.js';
import type { SilenceResponse as _vigil_v1_SilenceResponse, SilenceResponse__Output as _vigil_v1_SilenceResponse__Output } from './vigil/v1/SilenceResponse.js';
import type { SpoolStatus as _vigil_v1_SpoolStatus, SpoolStatus__Output as _vigil_v1_SpoolStatus__Output } from './vigil/v1/SpoolStatus.js';
import type { SubscribeBatchesRequest as _vigil_v1_SubscribeBatchesRequest, SubscribeBatchesRequest__Output as _vigil_v1_SubscribeBatchesRequest__Output } from './vigil/v1/SubscribeBatchesRequest.js';
import type { SubscribeBatchesResponse as _vigil_v1_SubscribeBatchesResponse, SubscribeBatchesResponse__Output as _vigil_v1_SubscribeBatchesResponse__Output } from './vigil/v1/SubscribeBatchesResponse.js';
import type { SubscribeRequest as _vigil_v1_SubscribeRequest, SubscribeRequest__Output as _vigil_v1_SubscribeRequest__Output } from './vigil/v1/SubscribeRequest.js';
import type { TaskStatus as _vigil_v1_TaskStatus, TaskStatus__Output as _vigil_v1_TaskStatus__Output } from './vigil/v1/TaskStatus.js';
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
      AckRequest: MessageTypeDefinition<_vigil_v1_AckRequest, _vigil_v1_AckRequest__Output>
      AckResponse: MessageTypeDefinition<_vigil_v1_AckResponse, _vigil_v1_AckResponse__Output>
      AcknowledgeRequest: MessageTypeDefinition<_vigil_v1_AcknowledgeRequest, _vigil_v1_AcknowledgeRequest__Output>
      AcknowledgeResponse: MessageTypeDefinition<_vigil_v1_AcknowledgeResponse, _vigil_v1_AcknowledgeResponse__Output>
      Acknowledgement: MessageTypeDefinition<_vigil_v1_Acknowledgement, _vigil_v1_Acknowledgement__Output>
      /**
       * AdminService is what operators and the vigil CLI use.
       */
      AdminService: SubtypeConstructor<typeof grpc.Client, _vigil_v1_AdminServiceClient> & { service: _vigil_v1_AdminServiceDefinition }
      Alert: MessageTypeDefinition<_vigil_v1_Alert, _vigil_v1_Alert__Output>
      /**
       * AlertService lists and manages the alerts of Vigil's rules.
       */
      AlertService: SubtypeConstructor<typeof grpc.Client, _vigil_v1_AlertServiceClient> & { service: _vigil_v1_AlertServiceDefinition }
      AlertState: EnumTypeDefinition
      BeatRequest: MessageTypeDefinition<_vigil_v1_BeatRequest, _vigil_v1_BeatRequest__Output>
      BeatResponse: MessageTypeDefinition<_vigil_v1_BeatResponse, _vigil_v1_BeatResponse__Output>
      ChangeKind: EnumTypeDefinition
      CircuitState: EnumTypeDefinition
      CleanerStatus: MessageTypeDefinition<_vigil_v1_CleanerStatus, _vigil_v1_CleanerStatus__Output>
      CleanupReport: MessageTypeDefinition<_vigil_v1_CleanupReport, _vigil_v1_CleanupReport__Output>
      Component: MessageTypeDefinition<_vigil_v1_Component, _vigil_v1_Component__Output>
      ComponentError: MessageTypeDefinition<_vigil_v1_ComponentError, _vigil_v1_ComponentError__Output>
      ComponentState: EnumTypeDefinition
      ConfigChange: MessageTypeDefinition<_vigil_v1_ConfigChange, _vigil_v1_ConfigChange__Output>
      ConfigErrorStatus: MessageTypeDefinition<_vigil_v1_ConfigErrorStatus, _vigil_v1_ConfigErrorStatus__Output>
      ConfigSource: EnumTypeDefinition
      ConfigVersion: MessageTypeDefinition<_vigil_v1_ConfigVersion, _vigil_v1_ConfigVersion__Output>
      Delivery: MessageTypeDefinition<_vigil_v1_Delivery, _vigil_v1_Delivery__Output>
      DeregisterRequest: MessageTypeDefinition<_vigil_v1_DeregisterRequest, _vigil_v1_DeregisterRequest__Output>
      DeregisterResponse: MessageTypeDefinition<_vigil_v1_DeregisterResponse, _vigil_v1_DeregisterResponse__Output>
      DestinationFault: MessageTypeDefinition<_vigil_v1_DestinationFault, _vigil_v1_DestinationFault__Output>
      DestinationStatus: MessageTypeDefinition<_vigil_v1_DestinationStatus, _vigil_v1_DestinationStatus__Output>
      DiagnoseRequest: MessageTypeDefinition<_vigil_v1_DiagnoseRequest, _vigil_v1_DiagnoseRequest__Output>
      DiagnoseResponse: MessageTypeDefinition<_vigil_v1_DiagnoseResponse, _vigil_v1_DiagnoseResponse__Output>
      DiffConfigRequest: MessageTypeDefinition<_vigil_v1_DiffConfigRequest, _vigil_v1_DiffConfigRequest__Output>
      DiffConfigResponse: MessageTypeDefinition<_vigil_v1_DiffConfigResponse, _vigil_v1_DiffConfigResponse__Output>
      ExportConfigRequest: MessageTypeDefinition<_vigil_v1_ExportConfigRequest, _vigil_v1_ExportConfigRequest__Output>
      ExportConfigResponse: MessageTypeDefinition<_vigil_v1_ExportConfigResponse, _vigil_v1_ExportConfigResponse__Output>
      GetStatusRequest: MessageTypeDefinition<_vigil_v1_GetStatusRequest, _vigil_v1_GetStatusRequest__Output>
      GetStatusResponse: MessageTypeDefinition<_vigil_v1_GetStatusResponse, _vigil_v1_GetStatusResponse__Output>
      Health: EnumTypeDefinition
      /**
       * HeartbeatService tracks the liveness of a bot's components.
       */
      HeartbeatService: SubtypeConstructor<typeof grpc.Client, _vigil_v1_HeartbeatServiceClient> & { service: _vigil_v1_HeartbeatServiceDefinition }
      ImportConfigRequest: MessageTypeDefinition<_vigil_v1_ImportConfigRequest, _vigil_v1_ImportConfigRequest__Output>
      ImportConfigResponse: MessageTypeDefinition<_vigil_v1_ImportConfigResponse, _vigil_v1_ImportConfigResponse__Output>
      ListAlertsRequest: MessageTypeDefinition<_vigil_v1_ListAlertsRequest, _vigil_v1_ListAlertsRequest__Output>
      ListAlertsResponse: MessageTypeDefinition<_vigil_v1_ListAlertsResponse, _vigil_v1_ListAlertsResponse__Output>
      ListComponentsRequest: MessageTypeDefinition<_vigil_v1_ListComponentsRequest, _vigil_v1_ListComponentsRequest__Output>
      ListComponentsResponse: MessageTypeDefinition<_vigil_v1_ListComponentsResponse, _vigil_v1_ListComponentsResponse__Output>
      ListConfigVersionsRequest: MessageTypeDefinition<_vigil_v1_ListConfigVersionsRequest, _vigil_v1_ListConfigVersionsRequest__Output>
      ListConfigVersionsResponse: MessageTypeDefinition<_vigil_v1_ListConfigVersionsResponse, _vigil_v1_ListConfigVersionsResponse__Output>
      ListSilencesRequest: MessageTypeDefinition<_vigil_v1_ListSilencesRequest, _vigil_v1_ListSilencesRequest__Output>
      ListSilencesResponse: MessageTypeDefinition<_vigil_v1_ListSilencesResponse, _vigil_v1_ListSilencesResponse__Output>
      LogLevel: EnumTypeDefinition
      LogRecord: MessageTypeDefinition<_vigil_v1_LogRecord, _vigil_v1_LogRecord__Output>
      LogWriterStatus: MessageTypeDefinition<_vigil_v1_LogWriterStatus, _vigil_v1_LogWriterStatus__Output>
      MatchOperator: EnumTypeDefinition
      Matcher: MessageTypeDefinition<_vigil_v1_Matcher, _vigil_v1_Matcher__Output>
      MetricsIngestStatus: MessageTypeDefinition<_vigil_v1_MetricsIngestStatus, _vigil_v1_MetricsIngestStatus__Output>
      OverallStatus: EnumTypeDefinition
      OverallVerdict: MessageTypeDefinition<_vigil_v1_OverallVerdict, _vigil_v1_OverallVerdict__Output>
      PauseDestinationRequest: MessageTypeDefinition<_vigil_v1_PauseDestinationRequest, _vigil_v1_PauseDestinationRequest__Output>
      PauseDestinationResponse: MessageTypeDefinition<_vigil_v1_PauseDestinationResponse, _vigil_v1_PauseDestinationResponse__Output>
      PeekQueueRequest: MessageTypeDefinition<_vigil_v1_PeekQueueRequest, _vigil_v1_PeekQueueRequest__Output>
      PeekQueueResponse: MessageTypeDefinition<_vigil_v1_PeekQueueResponse, _vigil_v1_PeekQueueResponse__Output>
      Priority: EnumTypeDefinition
      ProcessStatus: MessageTypeDefinition<_vigil_v1_ProcessStatus, _vigil_v1_ProcessStatus__Output>
      PublishBatchRequest: MessageTypeDefinition<_vigil_v1_PublishBatchRequest, _vigil_v1_PublishBatchRequest__Output>
      PublishBatchResponse: MessageTypeDefinition<_vigil_v1_PublishBatchResponse, _vigil_v1_PublishBatchResponse__Output>
      PublishRequest: MessageTypeDefinition<_vigil_v1_PublishRequest, _vigil_v1_PublishRequest__Output>
      PublishResponse: MessageTypeDefinition<_vigil_v1_PublishResponse, _vigil_v1_PublishResponse__Output>
      PublishResult: MessageTypeDefinition<_vigil_v1_PublishResult, _vigil_v1_PublishResult__Output>
      QueryLogsRequest: MessageTypeDefinition<_vigil_v1_QueryLogsRequest, _vigil_v1_QueryLogsRequest__Output>
      QueuedMessageInfo: MessageTypeDefinition<_vigil_v1_QueuedMessageInfo, _vigil_v1_QueuedMessageInfo__Output>
      RedriveDeadLettersRequest: MessageTypeDefinition<_vigil_v1_RedriveDeadLettersRequest, _vigil_v1_RedriveDeadLettersRequest__Output>
      RedriveDeadLettersResponse: MessageTypeDefinition<_vigil_v1_RedriveDeadLettersResponse, _vigil_v1_RedriveDeadLettersResponse__Output>
      ReloadConfigRequest: MessageTypeDefinition<_vigil_v1_ReloadConfigRequest, _vigil_v1_ReloadConfigRequest__Output>
      ReloadConfigResponse: MessageTypeDefinition<_vigil_v1_ReloadConfigResponse, _vigil_v1_ReloadConfigResponse__Output>
      ResolveRequest: MessageTypeDefinition<_vigil_v1_ResolveRequest, _vigil_v1_ResolveRequest__Output>
      ResolveResponse: MessageTypeDefinition<_vigil_v1_ResolveResponse, _vigil_v1_ResolveResponse__Output>
      ResumeDestinationRequest: MessageTypeDefinition<_vigil_v1_ResumeDestinationRequest, _vigil_v1_ResumeDestinationRequest__Output>
      ResumeDestinationResponse: MessageTypeDefinition<_vigil_v1_ResumeDestinationResponse, _vigil_v1_ResumeDestinationResponse__Output>
      RollbackConfigRequest: MessageTypeDefinition<_vigil_v1_RollbackConfigRequest, _vigil_v1_RollbackConfigRequest__Output>
      RollbackConfigResponse: MessageTypeDefinition<_vigil_v1_RollbackConfigResponse, _vigil_v1_RollbackConfigResponse__Output>
      /**
       * RouterService routes messages to destinations with durable buffering.
       */
      RouterService: SubtypeConstructor<typeof grpc.Client, _vigil_v1_RouterServiceClient> & { service: _vigil_v1_RouterServiceDefinition }
      RunCleanupRequest: MessageTypeDefinition<_vigil_v1_RunCleanupRequest, _vigil_v1_RunCleanupRequest__Output>
      RunCleanupResponse: MessageTypeDefinition<_vigil_v1_RunCleanupResponse, _vigil_v1_RunCleanupResponse__Output>
      Severity: EnumTypeDefinition
      Signal: EnumTypeDefinition
      SilenceInfo: MessageTypeDefinition<_vigil_v1_SilenceInfo, _vigil_v1_SilenceInfo__Output>
      SilenceRequest: MessageTypeDefinition<_vigil_v1_SilenceRequest, _vigil_v1_SilenceRequest__Output>
      SilenceResponse: MessageTypeDefinition<_vigil_v1_SilenceResponse, _vigil_v1_SilenceResponse__Output>
      SpoolStatus: MessageTypeDefinition<_vigil_v1_SpoolStatus, _vigil_v1_SpoolStatus__Output>
      SubscribeBatchesRequest: MessageTypeDefinition<_vigil_v1_SubscribeBatchesRequest, _vigil_v1_SubscribeBatchesRequest__Output>
      SubscribeBatchesResponse: MessageTypeDefinition<_vigil_v1_SubscribeBatchesResponse, _vigil_v1_SubscribeBatchesResponse__Output>
      SubscribeRequest: MessageTypeDefinition<_vigil_v1_SubscribeRequest, _vigil_v1_SubscribeRequest__Output>
      TaskStatus: MessageTypeDefinition<_vigil_v1_TaskStatus, _vigil_v1_TaskStatus__Output>
      UnsilenceRequest: MessageTypeDefinition<_vigil_v1_UnsilenceRequest, _vigil_v1_UnsilenceRequest__Output>
      UnsilenceResponse: MessageTypeDefinition<_vigil_v1_UnsilenceResponse, _vigil_v1_UnsilenceResponse__Output>
    }
  }
}

