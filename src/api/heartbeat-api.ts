import { COMPONENT_NAME } from "../config/schema.js";
import { invalidField } from "../errors.js";
import type { BeatRequest__Output } from "../generated/vigil/v1/BeatRequest.js";
import type { BeatResponse } from "../generated/vigil/v1/BeatResponse.js";
import type { Component } from "../generated/vigil/v1/Component.js";
import type { DeregisterRequest__Output } from "../generated/vigil/v1/DeregisterRequest.js";
import type { DeregisterResponse } from "../generated/vigil/v1/DeregisterResponse.js";
import type { HeartbeatServiceHandlers } from "../generated/vigil/v1/HeartbeatService.js";
import type { ListComponentsRequest__Output } from "../generated/vigil/v1/ListComponentsRequest.js";
import type { ListComponentsResponse } from "../generated/vigil/v1/ListComponentsResponse.js";
import type { ComponentView, Health, HeartbeatMonitor, Signal } from "../heartbeat/heartbeat-monitor.js";
import { durationMs, optionalTimestamp, toDuration, toTimestamp } from "./convert.js";
import { type ApiContext, unary } from "./handler.js";

const MAX_MESSAGE = 4096;
const MAX_ATTRIBUTES = 64;

const HEALTH: Record<string, Health> = {
  HEALTH_UNSPECIFIED: "OK",
  HEALTH_OK: "OK",
  HEALTH_DEGRADED: "DEGRADED",
  HEALTH_FAILING: "FAILING",
};
const SIGNAL: Record<string, Signal> = {
  SIGNAL_UNSPECIFIED: "ALIVE",
  SIGNAL_ALIVE: "ALIVE",
  SIGNAL_START: "START",
  SIGNAL_SUCCESS: "SUCCESS",
  SIGNAL_FAIL: "FAIL",
};

const RUN_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export function heartbeatHandlers(ctx: ApiContext, monitor: HeartbeatMonitor): HeartbeatServiceHandlers {
  const rpc = "vigil.v1.HeartbeatService";
  return {
    Beat: unary<BeatRequest__Output, BeatResponse>(ctx, `${rpc}/Beat`, (req) => {
      const component = validComponent(req.component);
      const health = HEALTH[req.health ?? "HEALTH_UNSPECIFIED"];
      if (health === undefined) throw invalidField("health", `unknown value ${String(req.health)}`);
      const signal = SIGNAL[req.signal ?? "SIGNAL_UNSPECIFIED"];
      if (signal === undefined) throw invalidField("signal", `unknown value ${String(req.signal)}`);
      const message = req.message ?? "";
      if (message.length > MAX_MESSAGE)
        throw invalidField("message", `longer than ${MAX_MESSAGE} characters`);
      const intervalMs = durationMs("interval", req.interval);
      if (intervalMs === 0) throw invalidField("interval", "must be positive");
      const graceMs = durationMs("grace", req.grace);
      const attributes = req.attributes ?? {};
      if (Object.keys(attributes).length > MAX_ATTRIBUTES) {
        throw invalidField("attributes", `at most ${MAX_ATTRIBUTES} entries`);
      }
      const runId = req.run_id ?? "";
      if (runId !== "" && !RUN_ID.test(runId)) throw invalidField("run_id", "expected [A-Za-z0-9_.:-]{1,64}");
      let beatSignal = signal;
      let beatMessage = message;
      if (req.exit_code !== undefined && req.exit_code !== null) {
        // An exit status is the end of a run: 0 is SUCCESS, anything else FAIL ("exit code N").
        if (signal === "START")
          throw invalidField("exit_code", "ends a run; it cannot come with SIGNAL_START");
        beatSignal = req.exit_code === 0 ? "SUCCESS" : "FAIL";
        if (req.exit_code !== 0)
          beatMessage = message ? `exit code ${req.exit_code}: ${message}` : `exit code ${req.exit_code}`;
      }
      const view = monitor.beat({
        component,
        health,
        message: beatMessage,
        intervalMs,
        graceMs,
        attributes,
        signal: beatSignal,
        runId,
      });
      return { state: `COMPONENT_STATE_${view.state}`, deadline: optionalTimestamp(view.deadline) };
    }),
    Deregister: unary<DeregisterRequest__Output, DeregisterResponse>(ctx, `${rpc}/Deregister`, (req) => ({
      found: monitor.deregister(validComponent(req.component)),
    })),
    ListComponents: unary<ListComponentsRequest__Output, ListComponentsResponse>(
      ctx,
      `${rpc}/ListComponents`,
      () => {
        const views = monitor.list();
        return {
          status: `OVERALL_STATUS_${monitor.overall(views)}`,
          components: views.map(componentMessage),
        };
      },
    ),
  };
}

function validComponent(name: string | undefined): string {
  if (!name) throw invalidField("component", "required");
  if (!COMPONENT_NAME.test(name)) throw invalidField("component", "must match [A-Za-z0-9_.:-]{1,128}");
  return name;
}

export function componentMessage(v: ComponentView): Component {
  return {
    name: v.name,
    state: `COMPONENT_STATE_${v.state}`,
    health: `HEALTH_${v.health}`,
    message: v.message,
    last_beat: optionalTimestamp(v.lastBeat),
    age: v.ageMs === null ? null : toDuration(v.ageMs),
    beat_count: v.beatCount,
    errors: v.errors.map((e) => ({
      time: toTimestamp(e.time),
      message: e.message,
      health: `HEALTH_${e.health}`,
      state: `COMPONENT_STATE_${e.state}`,
    })),
    interval: toDuration(v.intervalMs),
    grace: toDuration(v.graceMs),
    deadline: optionalTimestamp(v.deadline),
    attributes: v.attributes,
    schedule: v.schedule ?? "",
    timezone: v.timezone ?? "",
    job_running: v.jobRunning,
    registered_at: toTimestamp(v.registeredAt),
    declared: v.declared,
  };
}
