import type { AlertManager } from "../alerts/alert-manager.js";
import type { AlertRecord, AlertStateName, MatchOp, SilenceMatcher } from "../alerts/alert-store.js";
import { invalidField } from "../errors.js";
import type { AcknowledgeRequest__Output } from "../generated/vigil/v1/AcknowledgeRequest.js";
import type { AcknowledgeResponse } from "../generated/vigil/v1/AcknowledgeResponse.js";
import type { Alert } from "../generated/vigil/v1/Alert.js";
import type { AlertServiceHandlers } from "../generated/vigil/v1/AlertService.js";
import type { ListAlertsRequest__Output } from "../generated/vigil/v1/ListAlertsRequest.js";
import type { ListAlertsResponse } from "../generated/vigil/v1/ListAlertsResponse.js";
import type { ListSilencesRequest__Output } from "../generated/vigil/v1/ListSilencesRequest.js";
import type { ListSilencesResponse } from "../generated/vigil/v1/ListSilencesResponse.js";
import type { MatchOperator } from "../generated/vigil/v1/MatchOperator.js";
import type { ResolveRequest__Output } from "../generated/vigil/v1/ResolveRequest.js";
import type { ResolveResponse } from "../generated/vigil/v1/ResolveResponse.js";
import type { SilenceRequest__Output } from "../generated/vigil/v1/SilenceRequest.js";
import type { SilenceResponse } from "../generated/vigil/v1/SilenceResponse.js";
import type { UnsilenceRequest__Output } from "../generated/vigil/v1/UnsilenceRequest.js";
import type { UnsilenceResponse } from "../generated/vigil/v1/UnsilenceResponse.js";
import { durationMs, optionalTimestamp, timestampMs, toTimestamp } from "./convert.js";
import { type ApiContext, principalOf, unary } from "./handler.js";

const STATE_IN: Record<string, AlertStateName | null> = {
  ALERT_STATE_UNSPECIFIED: null,
  ALERT_STATE_PENDING: "pending",
  ALERT_STATE_FIRING: "firing",
  ALERT_STATE_RESOLVED: "resolved",
};
const OP_IN: Record<string, MatchOp> = {
  MATCH_OPERATOR_UNSPECIFIED: "=",
  MATCH_OPERATOR_EQUAL: "=",
  MATCH_OPERATOR_NOT_EQUAL: "!=",
  MATCH_OPERATOR_REGEX: "=~",
  MATCH_OPERATOR_NOT_REGEX: "!~",
};
const OP_OUT: Record<MatchOp, MatchOperator> = {
  "=": "MATCH_OPERATOR_EQUAL",
  "!=": "MATCH_OPERATOR_NOT_EQUAL",
  "=~": "MATCH_OPERATOR_REGEX",
  "!~": "MATCH_OPERATOR_NOT_REGEX",
};
const MAX_TEXT = 1024;
const MAX_MATCHERS = 32;

export function alertHandlers(ctx: ApiContext, alerts: AlertManager): AlertServiceHandlers {
  const rpc = "vigil.v1.AlertService";
  return {
    ListAlerts: unary<ListAlertsRequest__Output, ListAlertsResponse>(ctx, `${rpc}/ListAlerts`, (req) => {
      const states: AlertStateName[] = [];
      (req.states ?? []).forEach((s, i) => {
        const v = STATE_IN[String(s)];
        if (v === undefined) throw invalidField(`states[${i}]`, `unknown value ${String(s)}`);
        if (v !== null) states.push(v);
      });
      const since = timestampMs("since", req.since) ?? 0;
      return {
        alerts: alerts
          .list({ states, includeResolved: req.include_resolved ?? false, since })
          .map((a) => alertMessage(a, a.silencedBy)),
      };
    }),
    Acknowledge: unary<AcknowledgeRequest__Output, AcknowledgeResponse>(
      ctx,
      `${rpc}/Acknowledge`,
      (req, call) => {
        const a = alerts.acknowledge(
          fingerprint(req.fingerprint),
          text("by", req.by) || principalOf(call.metadata),
          text("comment", req.comment),
        );
        return { alert: alertMessage(a, []) };
      },
    ),
    Resolve: unary<ResolveRequest__Output, ResolveResponse>(ctx, `${rpc}/Resolve`, (req, call) => {
      const a = alerts.resolveByHand(
        fingerprint(req.fingerprint),
        text("by", req.by) || principalOf(call.metadata),
        text("comment", req.comment),
      );
      return { alert: alertMessage(a, []) };
    }),
    Silence: unary<SilenceRequest__Output, SilenceResponse>(ctx, `${rpc}/Silence`, (req, call) => {
      const matchers = validMatchers(req.matchers ?? []);
      const ms = durationMs("duration", req.duration);
      if (ms === undefined || ms <= 0) throw invalidField("duration", "required, and positive");
      const s = alerts.silence(
        matchers,
        ms,
        text("comment", req.comment),
        text("created_by", req.created_by) || principalOf(call.metadata),
      );
      return { id: s.id, ends_at: toTimestamp(s.endsAt) };
    }),
    Unsilence: unary<UnsilenceRequest__Output, UnsilenceResponse>(ctx, `${rpc}/Unsilence`, (req) => {
      if (!req.id) throw invalidField("id", "required");
      alerts.unsilence(req.id);
      return {};
    }),
    ListSilences: unary<ListSilencesRequest__Output, ListSilencesResponse>(
      ctx,
      `${rpc}/ListSilences`,
      () => ({
        silences: alerts.silences().map((s) => ({
          id: s.id,
          matchers: s.matchers.map((m) => ({ name: m.name, value: m.value, operator: OP_OUT[m.op] })),
          starts_at: toTimestamp(s.startsAt),
          ends_at: toTimestamp(s.endsAt),
          comment: s.comment,
          created_by: s.createdBy,
        })),
      }),
    ),
  };
}

/** An alert as the contract shows it (GetStatus uses it too). */
export function alertMessage(a: AlertRecord, silencedBy: readonly string[]): Alert {
  return {
    rule: a.rule,
    fingerprint: a.fingerprint,
    labels: a.labels,
    annotations: a.annotations,
    severity: `SEVERITY_${a.severity.toUpperCase()}` as Alert["severity"],
    state: `ALERT_STATE_${a.state.toUpperCase()}` as Alert["state"],
    active_since: toTimestamp(a.activeSince),
    acknowledged: a.acknowledged
      ? { by: a.acknowledged.by, at: toTimestamp(a.acknowledged.at), comment: a.acknowledged.comment }
      : null,
    value: a.value,
    fired_at: optionalTimestamp(a.firedAt),
    resolved_at: optionalTimestamp(a.resolvedAt),
    silenced_by: [...silencedBy],
  };
}

function fingerprint(fp: string | undefined): string {
  if (!fp) throw invalidField("fingerprint", "required");
  if (!/^[0-9a-f]{16}$/.test(fp))
    throw invalidField("fingerprint", "expected 16 hex digits, as ListAlerts shows");
  return fp;
}

function text(field: string, v: string | undefined): string {
  const s = v ?? "";
  if (s.length > MAX_TEXT) throw invalidField(field, `longer than ${MAX_TEXT} characters`);
  return s;
}

function validMatchers(
  list: readonly { name?: string; value?: string; operator?: string | number }[],
): SilenceMatcher[] {
  if (list.length === 0)
    throw invalidField("matchers", "at least one matcher is required (a silence of everything is a mistake)");
  if (list.length > MAX_MATCHERS) throw invalidField("matchers", `at most ${MAX_MATCHERS}`);
  return list.map((m, i) => {
    if (!m.name) throw invalidField(`matchers[${i}].name`, "required");
    const op = OP_IN[String(m.operator ?? "MATCH_OPERATOR_UNSPECIFIED")];
    if (op === undefined)
      throw invalidField(`matchers[${i}].operator`, `unknown value ${String(m.operator)}`);
    const value = m.value ?? "";
    if (value.length > MAX_TEXT)
      throw invalidField(`matchers[${i}].value`, `longer than ${MAX_TEXT} characters`);
    if (op === "=~" || op === "!~") {
      try {
        new RegExp(`^(?:${value})$`);
      } catch (e) {
        throw invalidField(`matchers[${i}].value`, `invalid regular expression: ${(e as Error).message}`);
      }
    }
    return { name: m.name, value, op };
  });
}
