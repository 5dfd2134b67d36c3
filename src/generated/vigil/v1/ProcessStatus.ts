// Original file: proto/vigil/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface ProcessStatus {
  'pid'?: (number);
  'rss_bytes'?: (number | string | Long);
  'heap_used_bytes'?: (number | string | Long);
  /**
   * Event-loop delay p99 since the last reading, milliseconds.
   */
  'event_loop_delay_p99_ms'?: (number | string);
  /**
   * CPU used since start, as a fraction of one core.
   */
  'cpu_utilization'?: (number | string);
}

export interface ProcessStatus__Output {
  'pid'?: (number);
  'rss_bytes'?: (number);
  'heap_used_bytes'?: (number);
  /**
   * Event-loop delay p99 since the last reading, milliseconds.
   */
  'event_loop_delay_p99_ms'?: (number);
  /**
   * CPU used since start, as a fraction of one core.
   */
  'cpu_utilization'?: (number);
}
