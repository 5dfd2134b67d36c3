import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { MetricPoint as _vigil_v1_MetricPoint, MetricPoint__Output as _vigil_v1_MetricPoint__Output } from './vigil/v1/MetricPoint.js';
import type { MetricsServiceClient as _vigil_v1_MetricsServiceClient, MetricsServiceDefinition as _vigil_v1_MetricsServiceDefinition } from './vigil/v1/MetricsService.js';
import type { RecordRequest as _vigil_v1_RecordRequest, RecordRequest__Output as _vigil_v1_RecordRequest__Output } from './vigil/v1/RecordRequest.js';
import type { RecordResponse as _vigil_v1_RecordResponse, RecordResponse__Output as _vigil_v1_RecordResponse__Output } from './vigil/v1/RecordResponse.js';
import type { RejectedPoint as _vigil_v1_RejectedPoint, RejectedPoint__Output as _vigil_v1_RejectedPoint__Output } from './vigil/v1/RejectedPoint.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vigil: {
    v1: {
      MetricKind: EnumTypeDefinition
      MetricPoint: MessageTypeDefinition<_vigil_v1_MetricPoint, _vigil_v1_MetricPoint__Output>
      /**
       * MetricsService turns a bot's metric points into OpenTelemetry metrics.
       */
      MetricsService: SubtypeConstructor<typeof grpc.Client, _vigil_v1_MetricsServiceClient> & { service: _vigil_v1_MetricsServiceDefinition }
      RecordRequest: MessageTypeDefinition<_vigil_v1_RecordRequest, _vigil_v1_RecordRequest__Output>
      RecordResponse: MessageTypeDefinition<_vigil_v1_RecordResponse, _vigil_v1_RecordResponse__Output>
      RejectedPoint: MessageTypeDefinition<_vigil_v1_RejectedPoint, _vigil_v1_RejectedPoint__Output>
    }
  }
}

