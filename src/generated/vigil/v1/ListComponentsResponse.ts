// Original file: proto/vigil/v1/heartbeat.proto

import type { OverallStatus as _vigil_v1_OverallStatus, OverallStatus__Output as _vigil_v1_OverallStatus__Output } from '../../vigil/v1/OverallStatus.js';
import type { Component as _vigil_v1_Component, Component__Output as _vigil_v1_Component__Output } from '../../vigil/v1/Component.js';

export interface ListComponentsResponse {
  'status'?: (_vigil_v1_OverallStatus);
  'components'?: (_vigil_v1_Component)[];
}

export interface ListComponentsResponse__Output {
  'status'?: (_vigil_v1_OverallStatus__Output);
  'components': (_vigil_v1_Component__Output)[];
}
