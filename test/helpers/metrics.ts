import {
  MeterProvider,
  type MetricProducer,
  MetricReader,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";

/** A metric reader a test collects from on demand (no timers, no globals). */
export class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export function testMeterProvider(producers: MetricProducer[] = []): {
  provider: MeterProvider;
  reader: TestReader;
} {
  const reader = new TestReader({ metricProducers: producers });
  return { provider: new MeterProvider({ readers: [reader] }), reader };
}

/** Flattens collected metrics to [name, attributes, value] rows for assertions. */
export async function collect(
  reader: MetricReader,
): Promise<Array<{ name: string; attributes: Record<string, unknown>; value: unknown }>> {
  const { resourceMetrics } = await reader.collect();
  return rows(resourceMetrics);
}

export function rows(
  rm: ResourceMetrics,
): Array<{ name: string; attributes: Record<string, unknown>; value: unknown }> {
  const out: Array<{ name: string; attributes: Record<string, unknown>; value: unknown }> = [];
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      for (const dp of m.dataPoints)
        out.push({ name: m.descriptor.name, attributes: dp.attributes, value: dp.value });
    }
  }
  return out;
}
