// Original file: proto/vigil/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DiagnoseRequest as _vigil_v1_DiagnoseRequest, DiagnoseRequest__Output as _vigil_v1_DiagnoseRequest__Output } from '../../vigil/v1/DiagnoseRequest.js';
import type { DiagnoseResponse as _vigil_v1_DiagnoseResponse, DiagnoseResponse__Output as _vigil_v1_DiagnoseResponse__Output } from '../../vigil/v1/DiagnoseResponse.js';
import type { DiffConfigRequest as _vigil_v1_DiffConfigRequest, DiffConfigRequest__Output as _vigil_v1_DiffConfigRequest__Output } from '../../vigil/v1/DiffConfigRequest.js';
import type { DiffConfigResponse as _vigil_v1_DiffConfigResponse, DiffConfigResponse__Output as _vigil_v1_DiffConfigResponse__Output } from '../../vigil/v1/DiffConfigResponse.js';
import type { ExportConfigRequest as _vigil_v1_ExportConfigRequest, ExportConfigRequest__Output as _vigil_v1_ExportConfigRequest__Output } from '../../vigil/v1/ExportConfigRequest.js';
import type { ExportConfigResponse as _vigil_v1_ExportConfigResponse, ExportConfigResponse__Output as _vigil_v1_ExportConfigResponse__Output } from '../../vigil/v1/ExportConfigResponse.js';
import type { GetStatusRequest as _vigil_v1_GetStatusRequest, GetStatusRequest__Output as _vigil_v1_GetStatusRequest__Output } from '../../vigil/v1/GetStatusRequest.js';
import type { GetStatusResponse as _vigil_v1_GetStatusResponse, GetStatusResponse__Output as _vigil_v1_GetStatusResponse__Output } from '../../vigil/v1/GetStatusResponse.js';
import type { ImportConfigRequest as _vigil_v1_ImportConfigRequest, ImportConfigRequest__Output as _vigil_v1_ImportConfigRequest__Output } from '../../vigil/v1/ImportConfigRequest.js';
import type { ImportConfigResponse as _vigil_v1_ImportConfigResponse, ImportConfigResponse__Output as _vigil_v1_ImportConfigResponse__Output } from '../../vigil/v1/ImportConfigResponse.js';
import type { ListConfigVersionsRequest as _vigil_v1_ListConfigVersionsRequest, ListConfigVersionsRequest__Output as _vigil_v1_ListConfigVersionsRequest__Output } from '../../vigil/v1/ListConfigVersionsRequest.js';
import type { ListConfigVersionsResponse as _vigil_v1_ListConfigVersionsResponse, ListConfigVersionsResponse__Output as _vigil_v1_ListConfigVersionsResponse__Output } from '../../vigil/v1/ListConfigVersionsResponse.js';
import type { LogRecord as _vigil_v1_LogRecord, LogRecord__Output as _vigil_v1_LogRecord__Output } from '../../vigil/v1/LogRecord.js';
import type { PauseDestinationRequest as _vigil_v1_PauseDestinationRequest, PauseDestinationRequest__Output as _vigil_v1_PauseDestinationRequest__Output } from '../../vigil/v1/PauseDestinationRequest.js';
import type { PauseDestinationResponse as _vigil_v1_PauseDestinationResponse, PauseDestinationResponse__Output as _vigil_v1_PauseDestinationResponse__Output } from '../../vigil/v1/PauseDestinationResponse.js';
import type { PeekQueueRequest as _vigil_v1_PeekQueueRequest, PeekQueueRequest__Output as _vigil_v1_PeekQueueRequest__Output } from '../../vigil/v1/PeekQueueRequest.js';
import type { PeekQueueResponse as _vigil_v1_PeekQueueResponse, PeekQueueResponse__Output as _vigil_v1_PeekQueueResponse__Output } from '../../vigil/v1/PeekQueueResponse.js';
import type { QueryLogsRequest as _vigil_v1_QueryLogsRequest, QueryLogsRequest__Output as _vigil_v1_QueryLogsRequest__Output } from '../../vigil/v1/QueryLogsRequest.js';
import type { RedriveDeadLettersRequest as _vigil_v1_RedriveDeadLettersRequest, RedriveDeadLettersRequest__Output as _vigil_v1_RedriveDeadLettersRequest__Output } from '../../vigil/v1/RedriveDeadLettersRequest.js';
import type { RedriveDeadLettersResponse as _vigil_v1_RedriveDeadLettersResponse, RedriveDeadLettersResponse__Output as _vigil_v1_RedriveDeadLettersResponse__Output } from '../../vigil/v1/RedriveDeadLettersResponse.js';
import type { ReloadConfigRequest as _vigil_v1_ReloadConfigRequest, ReloadConfigRequest__Output as _vigil_v1_ReloadConfigRequest__Output } from '../../vigil/v1/ReloadConfigRequest.js';
import type { ReloadConfigResponse as _vigil_v1_ReloadConfigResponse, ReloadConfigResponse__Output as _vigil_v1_ReloadConfigResponse__Output } from '../../vigil/v1/ReloadConfigResponse.js';
import type { ResumeDestinationRequest as _vigil_v1_ResumeDestinationRequest, ResumeDestinationRequest__Output as _vigil_v1_ResumeDestinationRequest__Output } from '../../vigil/v1/ResumeDestinationRequest.js';
import type { ResumeDestinationResponse as _vigil_v1_ResumeDestinationResponse, ResumeDestinationResponse__Output as _vigil_v1_ResumeDestinationResponse__Output } from '../../vigil/v1/ResumeDestinationResponse.js';
import type { RollbackConfigRequest as _vigil_v1_RollbackConfigRequest, RollbackConfigRequest__Output as _vigil_v1_RollbackConfigRequest__Output } from '../../vigil/v1/RollbackConfigRequest.js';
import type { RollbackConfigResponse as _vigil_v1_RollbackConfigResponse, RollbackConfigResponse__Output as _vigil_v1_RollbackConfigResponse__Output } from '../../vigil/v1/RollbackConfigResponse.js';
import type { RunCleanupRequest as _vigil_v1_RunCleanupRequest, RunCleanupRequest__Output as _vigil_v1_RunCleanupRequest__Output } from '../../vigil/v1/RunCleanupRequest.js';
import type { RunCleanupResponse as _vigil_v1_RunCleanupResponse, RunCleanupResponse__Output as _vigil_v1_RunCleanupResponse__Output } from '../../vigil/v1/RunCleanupResponse.js';

/**
 * AdminService is what operators and the vigil CLI use.
 */
export interface AdminServiceClient extends grpc.Client {
  /**
   * Diagnose returns one JSON report: status, effective config (secrets redacted),
   * config versions, software versions, resource usage and recent errors.
   */
  Diagnose(argument: _vigil_v1_DiagnoseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DiagnoseResponse__Output>): grpc.ClientUnaryCall;
  Diagnose(argument: _vigil_v1_DiagnoseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_DiagnoseResponse__Output>): grpc.ClientUnaryCall;
  Diagnose(argument: _vigil_v1_DiagnoseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DiagnoseResponse__Output>): grpc.ClientUnaryCall;
  Diagnose(argument: _vigil_v1_DiagnoseRequest, callback: grpc.requestCallback<_vigil_v1_DiagnoseResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Diagnose returns one JSON report: status, effective config (secrets redacted),
   * config versions, software versions, resource usage and recent errors.
   */
  diagnose(argument: _vigil_v1_DiagnoseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DiagnoseResponse__Output>): grpc.ClientUnaryCall;
  diagnose(argument: _vigil_v1_DiagnoseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_DiagnoseResponse__Output>): grpc.ClientUnaryCall;
  diagnose(argument: _vigil_v1_DiagnoseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DiagnoseResponse__Output>): grpc.ClientUnaryCall;
  diagnose(argument: _vigil_v1_DiagnoseRequest, callback: grpc.requestCallback<_vigil_v1_DiagnoseResponse__Output>): grpc.ClientUnaryCall;
  
  DiffConfig(argument: _vigil_v1_DiffConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DiffConfigResponse__Output>): grpc.ClientUnaryCall;
  DiffConfig(argument: _vigil_v1_DiffConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_DiffConfigResponse__Output>): grpc.ClientUnaryCall;
  DiffConfig(argument: _vigil_v1_DiffConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DiffConfigResponse__Output>): grpc.ClientUnaryCall;
  DiffConfig(argument: _vigil_v1_DiffConfigRequest, callback: grpc.requestCallback<_vigil_v1_DiffConfigResponse__Output>): grpc.ClientUnaryCall;
  diffConfig(argument: _vigil_v1_DiffConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DiffConfigResponse__Output>): grpc.ClientUnaryCall;
  diffConfig(argument: _vigil_v1_DiffConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_DiffConfigResponse__Output>): grpc.ClientUnaryCall;
  diffConfig(argument: _vigil_v1_DiffConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_DiffConfigResponse__Output>): grpc.ClientUnaryCall;
  diffConfig(argument: _vigil_v1_DiffConfigRequest, callback: grpc.requestCallback<_vigil_v1_DiffConfigResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ExportConfig returns a stored config version as YAML, as it was written.
   */
  ExportConfig(argument: _vigil_v1_ExportConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ExportConfigResponse__Output>): grpc.ClientUnaryCall;
  ExportConfig(argument: _vigil_v1_ExportConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ExportConfigResponse__Output>): grpc.ClientUnaryCall;
  ExportConfig(argument: _vigil_v1_ExportConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ExportConfigResponse__Output>): grpc.ClientUnaryCall;
  ExportConfig(argument: _vigil_v1_ExportConfigRequest, callback: grpc.requestCallback<_vigil_v1_ExportConfigResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ExportConfig returns a stored config version as YAML, as it was written.
   */
  exportConfig(argument: _vigil_v1_ExportConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ExportConfigResponse__Output>): grpc.ClientUnaryCall;
  exportConfig(argument: _vigil_v1_ExportConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ExportConfigResponse__Output>): grpc.ClientUnaryCall;
  exportConfig(argument: _vigil_v1_ExportConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ExportConfigResponse__Output>): grpc.ClientUnaryCall;
  exportConfig(argument: _vigil_v1_ExportConfigRequest, callback: grpc.requestCallback<_vigil_v1_ExportConfigResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * GetStatus is the one status the CLI and the status page show.
   */
  GetStatus(argument: _vigil_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _vigil_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _vigil_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _vigil_v1_GetStatusRequest, callback: grpc.requestCallback<_vigil_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetStatus is the one status the CLI and the status page show.
   */
  getStatus(argument: _vigil_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _vigil_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _vigil_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _vigil_v1_GetStatusRequest, callback: grpc.requestCallback<_vigil_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ImportConfig validates, applies and records a config given as YAML.
   */
  ImportConfig(argument: _vigil_v1_ImportConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ImportConfigResponse__Output>): grpc.ClientUnaryCall;
  ImportConfig(argument: _vigil_v1_ImportConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ImportConfigResponse__Output>): grpc.ClientUnaryCall;
  ImportConfig(argument: _vigil_v1_ImportConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ImportConfigResponse__Output>): grpc.ClientUnaryCall;
  ImportConfig(argument: _vigil_v1_ImportConfigRequest, callback: grpc.requestCallback<_vigil_v1_ImportConfigResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ImportConfig validates, applies and records a config given as YAML.
   */
  importConfig(argument: _vigil_v1_ImportConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ImportConfigResponse__Output>): grpc.ClientUnaryCall;
  importConfig(argument: _vigil_v1_ImportConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ImportConfigResponse__Output>): grpc.ClientUnaryCall;
  importConfig(argument: _vigil_v1_ImportConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ImportConfigResponse__Output>): grpc.ClientUnaryCall;
  importConfig(argument: _vigil_v1_ImportConfigRequest, callback: grpc.requestCallback<_vigil_v1_ImportConfigResponse__Output>): grpc.ClientUnaryCall;
  
  ListConfigVersions(argument: _vigil_v1_ListConfigVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListConfigVersions(argument: _vigil_v1_ListConfigVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListConfigVersions(argument: _vigil_v1_ListConfigVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListConfigVersions(argument: _vigil_v1_ListConfigVersionsRequest, callback: grpc.requestCallback<_vigil_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  listConfigVersions(argument: _vigil_v1_ListConfigVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  listConfigVersions(argument: _vigil_v1_ListConfigVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  listConfigVersions(argument: _vigil_v1_ListConfigVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  listConfigVersions(argument: _vigil_v1_ListConfigVersionsRequest, callback: grpc.requestCallback<_vigil_v1_ListConfigVersionsResponse__Output>): grpc.ClientUnaryCall;
  
  PauseDestination(argument: _vigil_v1_PauseDestinationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PauseDestinationResponse__Output>): grpc.ClientUnaryCall;
  PauseDestination(argument: _vigil_v1_PauseDestinationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_PauseDestinationResponse__Output>): grpc.ClientUnaryCall;
  PauseDestination(argument: _vigil_v1_PauseDestinationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PauseDestinationResponse__Output>): grpc.ClientUnaryCall;
  PauseDestination(argument: _vigil_v1_PauseDestinationRequest, callback: grpc.requestCallback<_vigil_v1_PauseDestinationResponse__Output>): grpc.ClientUnaryCall;
  pauseDestination(argument: _vigil_v1_PauseDestinationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PauseDestinationResponse__Output>): grpc.ClientUnaryCall;
  pauseDestination(argument: _vigil_v1_PauseDestinationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_PauseDestinationResponse__Output>): grpc.ClientUnaryCall;
  pauseDestination(argument: _vigil_v1_PauseDestinationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PauseDestinationResponse__Output>): grpc.ClientUnaryCall;
  pauseDestination(argument: _vigil_v1_PauseDestinationRequest, callback: grpc.requestCallback<_vigil_v1_PauseDestinationResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * PeekQueue lists a destination's queued messages, highest priority first, without taking them.
   */
  PeekQueue(argument: _vigil_v1_PeekQueueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PeekQueueResponse__Output>): grpc.ClientUnaryCall;
  PeekQueue(argument: _vigil_v1_PeekQueueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_PeekQueueResponse__Output>): grpc.ClientUnaryCall;
  PeekQueue(argument: _vigil_v1_PeekQueueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PeekQueueResponse__Output>): grpc.ClientUnaryCall;
  PeekQueue(argument: _vigil_v1_PeekQueueRequest, callback: grpc.requestCallback<_vigil_v1_PeekQueueResponse__Output>): grpc.ClientUnaryCall;
  /**
   * PeekQueue lists a destination's queued messages, highest priority first, without taking them.
   */
  peekQueue(argument: _vigil_v1_PeekQueueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PeekQueueResponse__Output>): grpc.ClientUnaryCall;
  peekQueue(argument: _vigil_v1_PeekQueueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_PeekQueueResponse__Output>): grpc.ClientUnaryCall;
  peekQueue(argument: _vigil_v1_PeekQueueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_PeekQueueResponse__Output>): grpc.ClientUnaryCall;
  peekQueue(argument: _vigil_v1_PeekQueueRequest, callback: grpc.requestCallback<_vigil_v1_PeekQueueResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * QueryLogs streams matching records of the local log files.
   */
  QueryLogs(argument: _vigil_v1_QueryLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_LogRecord__Output>;
  QueryLogs(argument: _vigil_v1_QueryLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_LogRecord__Output>;
  /**
   * QueryLogs streams matching records of the local log files.
   */
  queryLogs(argument: _vigil_v1_QueryLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_LogRecord__Output>;
  queryLogs(argument: _vigil_v1_QueryLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_vigil_v1_LogRecord__Output>;
  
  RedriveDeadLetters(argument: _vigil_v1_RedriveDeadLettersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  RedriveDeadLetters(argument: _vigil_v1_RedriveDeadLettersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  RedriveDeadLetters(argument: _vigil_v1_RedriveDeadLettersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  RedriveDeadLetters(argument: _vigil_v1_RedriveDeadLettersRequest, callback: grpc.requestCallback<_vigil_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  redriveDeadLetters(argument: _vigil_v1_RedriveDeadLettersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  redriveDeadLetters(argument: _vigil_v1_RedriveDeadLettersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  redriveDeadLetters(argument: _vigil_v1_RedriveDeadLettersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  redriveDeadLetters(argument: _vigil_v1_RedriveDeadLettersRequest, callback: grpc.requestCallback<_vigil_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ReloadConfig re-reads the config file, validates it, then swaps it in.
   */
  ReloadConfig(argument: _vigil_v1_ReloadConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ReloadConfigResponse__Output>): grpc.ClientUnaryCall;
  ReloadConfig(argument: _vigil_v1_ReloadConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ReloadConfigResponse__Output>): grpc.ClientUnaryCall;
  ReloadConfig(argument: _vigil_v1_ReloadConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ReloadConfigResponse__Output>): grpc.ClientUnaryCall;
  ReloadConfig(argument: _vigil_v1_ReloadConfigRequest, callback: grpc.requestCallback<_vigil_v1_ReloadConfigResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ReloadConfig re-reads the config file, validates it, then swaps it in.
   */
  reloadConfig(argument: _vigil_v1_ReloadConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ReloadConfigResponse__Output>): grpc.ClientUnaryCall;
  reloadConfig(argument: _vigil_v1_ReloadConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ReloadConfigResponse__Output>): grpc.ClientUnaryCall;
  reloadConfig(argument: _vigil_v1_ReloadConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ReloadConfigResponse__Output>): grpc.ClientUnaryCall;
  reloadConfig(argument: _vigil_v1_ReloadConfigRequest, callback: grpc.requestCallback<_vigil_v1_ReloadConfigResponse__Output>): grpc.ClientUnaryCall;
  
  ResumeDestination(argument: _vigil_v1_ResumeDestinationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ResumeDestinationResponse__Output>): grpc.ClientUnaryCall;
  ResumeDestination(argument: _vigil_v1_ResumeDestinationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ResumeDestinationResponse__Output>): grpc.ClientUnaryCall;
  ResumeDestination(argument: _vigil_v1_ResumeDestinationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ResumeDestinationResponse__Output>): grpc.ClientUnaryCall;
  ResumeDestination(argument: _vigil_v1_ResumeDestinationRequest, callback: grpc.requestCallback<_vigil_v1_ResumeDestinationResponse__Output>): grpc.ClientUnaryCall;
  resumeDestination(argument: _vigil_v1_ResumeDestinationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ResumeDestinationResponse__Output>): grpc.ClientUnaryCall;
  resumeDestination(argument: _vigil_v1_ResumeDestinationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_ResumeDestinationResponse__Output>): grpc.ClientUnaryCall;
  resumeDestination(argument: _vigil_v1_ResumeDestinationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_ResumeDestinationResponse__Output>): grpc.ClientUnaryCall;
  resumeDestination(argument: _vigil_v1_ResumeDestinationRequest, callback: grpc.requestCallback<_vigil_v1_ResumeDestinationResponse__Output>): grpc.ClientUnaryCall;
  
  RollbackConfig(argument: _vigil_v1_RollbackConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  RollbackConfig(argument: _vigil_v1_RollbackConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  RollbackConfig(argument: _vigil_v1_RollbackConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  RollbackConfig(argument: _vigil_v1_RollbackConfigRequest, callback: grpc.requestCallback<_vigil_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  rollbackConfig(argument: _vigil_v1_RollbackConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  rollbackConfig(argument: _vigil_v1_RollbackConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  rollbackConfig(argument: _vigil_v1_RollbackConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  rollbackConfig(argument: _vigil_v1_RollbackConfigRequest, callback: grpc.requestCallback<_vigil_v1_RollbackConfigResponse__Output>): grpc.ClientUnaryCall;
  
  RunCleanup(argument: _vigil_v1_RunCleanupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RunCleanupResponse__Output>): grpc.ClientUnaryCall;
  RunCleanup(argument: _vigil_v1_RunCleanupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RunCleanupResponse__Output>): grpc.ClientUnaryCall;
  RunCleanup(argument: _vigil_v1_RunCleanupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RunCleanupResponse__Output>): grpc.ClientUnaryCall;
  RunCleanup(argument: _vigil_v1_RunCleanupRequest, callback: grpc.requestCallback<_vigil_v1_RunCleanupResponse__Output>): grpc.ClientUnaryCall;
  runCleanup(argument: _vigil_v1_RunCleanupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RunCleanupResponse__Output>): grpc.ClientUnaryCall;
  runCleanup(argument: _vigil_v1_RunCleanupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vigil_v1_RunCleanupResponse__Output>): grpc.ClientUnaryCall;
  runCleanup(argument: _vigil_v1_RunCleanupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vigil_v1_RunCleanupResponse__Output>): grpc.ClientUnaryCall;
  runCleanup(argument: _vigil_v1_RunCleanupRequest, callback: grpc.requestCallback<_vigil_v1_RunCleanupResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * AdminService is what operators and the vigil CLI use.
 */
export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Diagnose returns one JSON report: status, effective config (secrets redacted),
   * config versions, software versions, resource usage and recent errors.
   */
  Diagnose: grpc.handleUnaryCall<_vigil_v1_DiagnoseRequest__Output, _vigil_v1_DiagnoseResponse>;
  
  DiffConfig: grpc.handleUnaryCall<_vigil_v1_DiffConfigRequest__Output, _vigil_v1_DiffConfigResponse>;
  
  /**
   * ExportConfig returns a stored config version as YAML, as it was written.
   */
  ExportConfig: grpc.handleUnaryCall<_vigil_v1_ExportConfigRequest__Output, _vigil_v1_ExportConfigResponse>;
  
  /**
   * GetStatus is the one status the CLI and the status page show.
   */
  GetStatus: grpc.handleUnaryCall<_vigil_v1_GetStatusRequest__Output, _vigil_v1_GetStatusResponse>;
  
  /**
   * ImportConfig validates, applies and records a config given as YAML.
   */
  ImportConfig: grpc.handleUnaryCall<_vigil_v1_ImportConfigRequest__Output, _vigil_v1_ImportConfigResponse>;
  
  ListConfigVersions: grpc.handleUnaryCall<_vigil_v1_ListConfigVersionsRequest__Output, _vigil_v1_ListConfigVersionsResponse>;
  
  PauseDestination: grpc.handleUnaryCall<_vigil_v1_PauseDestinationRequest__Output, _vigil_v1_PauseDestinationResponse>;
  
  /**
   * PeekQueue lists a destination's queued messages, highest priority first, without taking them.
   */
  PeekQueue: grpc.handleUnaryCall<_vigil_v1_PeekQueueRequest__Output, _vigil_v1_PeekQueueResponse>;
  
  /**
   * QueryLogs streams matching records of the local log files.
   */
  QueryLogs: grpc.handleServerStreamingCall<_vigil_v1_QueryLogsRequest__Output, _vigil_v1_LogRecord>;
  
  RedriveDeadLetters: grpc.handleUnaryCall<_vigil_v1_RedriveDeadLettersRequest__Output, _vigil_v1_RedriveDeadLettersResponse>;
  
  /**
   * ReloadConfig re-reads the config file, validates it, then swaps it in.
   */
  ReloadConfig: grpc.handleUnaryCall<_vigil_v1_ReloadConfigRequest__Output, _vigil_v1_ReloadConfigResponse>;
  
  ResumeDestination: grpc.handleUnaryCall<_vigil_v1_ResumeDestinationRequest__Output, _vigil_v1_ResumeDestinationResponse>;
  
  RollbackConfig: grpc.handleUnaryCall<_vigil_v1_RollbackConfigRequest__Output, _vigil_v1_RollbackConfigResponse>;
  
  RunCleanup: grpc.handleUnaryCall<_vigil_v1_RunCleanupRequest__Output, _vigil_v1_RunCleanupResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  Diagnose: MethodDefinition<_vigil_v1_DiagnoseRequest, _vigil_v1_DiagnoseResponse, _vigil_v1_DiagnoseRequest__Output, _vigil_v1_DiagnoseResponse__Output>
  DiffConfig: MethodDefinition<_vigil_v1_DiffConfigRequest, _vigil_v1_DiffConfigResponse, _vigil_v1_DiffConfigRequest__Output, _vigil_v1_DiffConfigResponse__Output>
  ExportConfig: MethodDefinition<_vigil_v1_ExportConfigRequest, _vigil_v1_ExportConfigResponse, _vigil_v1_ExportConfigRequest__Output, _vigil_v1_ExportConfigResponse__Output>
  GetStatus: MethodDefinition<_vigil_v1_GetStatusRequest, _vigil_v1_GetStatusResponse, _vigil_v1_GetStatusRequest__Output, _vigil_v1_GetStatusResponse__Output>
  ImportConfig: MethodDefinition<_vigil_v1_ImportConfigRequest, _vigil_v1_ImportConfigResponse, _vigil_v1_ImportConfigRequest__Output, _vigil_v1_ImportConfigResponse__Output>
  ListConfigVersions: MethodDefinition<_vigil_v1_ListConfigVersionsRequest, _vigil_v1_ListConfigVersionsResponse, _vigil_v1_ListConfigVersionsRequest__Output, _vigil_v1_ListConfigVersionsResponse__Output>
  PauseDestination: MethodDefinition<_vigil_v1_PauseDestinationRequest, _vigil_v1_PauseDestinationResponse, _vigil_v1_PauseDestinationRequest__Output, _vigil_v1_PauseDestinationResponse__Output>
  PeekQueue: MethodDefinition<_vigil_v1_PeekQueueRequest, _vigil_v1_PeekQueueResponse, _vigil_v1_PeekQueueRequest__Output, _vigil_v1_PeekQueueResponse__Output>
  QueryLogs: MethodDefinition<_vigil_v1_QueryLogsRequest, _vigil_v1_LogRecord, _vigil_v1_QueryLogsRequest__Output, _vigil_v1_LogRecord__Output>
  RedriveDeadLetters: MethodDefinition<_vigil_v1_RedriveDeadLettersRequest, _vigil_v1_RedriveDeadLettersResponse, _vigil_v1_RedriveDeadLettersRequest__Output, _vigil_v1_RedriveDeadLettersResponse__Output>
  ReloadConfig: MethodDefinition<_vigil_v1_ReloadConfigRequest, _vigil_v1_ReloadConfigResponse, _vigil_v1_ReloadConfigRequest__Output, _vigil_v1_ReloadConfigResponse__Output>
  ResumeDestination: MethodDefinition<_vigil_v1_ResumeDestinationRequest, _vigil_v1_ResumeDestinationResponse, _vigil_v1_ResumeDestinationRequest__Output, _vigil_v1_ResumeDestinationResponse__Output>
  RollbackConfig: MethodDefinition<_vigil_v1_RollbackConfigRequest, _vigil_v1_RollbackConfigResponse, _vigil_v1_RollbackConfigRequest__Output, _vigil_v1_RollbackConfigResponse__Output>
  RunCleanup: MethodDefinition<_vigil_v1_RunCleanupRequest, _vigil_v1_RunCleanupResponse, _vigil_v1_RunCleanupRequest__Output, _vigil_v1_RunCleanupResponse__Output>
}
