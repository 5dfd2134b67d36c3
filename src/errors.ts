import { status as GrpcStatus } from "@grpc/grpc-js";

/**
 * The error catalogue: every error Vigil reports to a caller has one code here,
 * with the gRPC status it maps to and whether the caller may retry. Only the
 * gRPC boundary (src/api/handler.ts) turns these into statuses.
 */
export const ERRORS = {
  VIGIL_ERR_REQUEST_INVALID_FIELD: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_REQUEST_TOO_LARGE: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: false },
  VIGIL_ERR_AUTH_UNAUTHENTICATED: { status: GrpcStatus.UNAUTHENTICATED, retryable: false },
  VIGIL_ERR_AUTH_NOT_ADMIN: { status: GrpcStatus.PERMISSION_DENIED, retryable: false },
  VIGIL_ERR_SERVER_SHUTTING_DOWN: { status: GrpcStatus.UNAVAILABLE, retryable: true },
  VIGIL_ERR_SERVER_OVERLOADED: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  VIGIL_ERR_SERVER_INTERNAL: { status: GrpcStatus.INTERNAL, retryable: true },
  VIGIL_ERR_LIMIT_CLIENT_RATE: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  VIGIL_ERR_LIMIT_STREAMS: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  VIGIL_ERR_HEARTBEAT_TOO_MANY_COMPONENTS: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: false },
  VIGIL_ERR_METRICS_INVALID_NAME: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_INVALID_KIND: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_KIND_CONFLICT: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_INVALID_VALUE: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_NEGATIVE_INCREMENT: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_INVALID_ATTRIBUTE: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_INVALID_UNIT: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_INVALID_DESCRIPTION: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_INVALID_BOUNDS: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_METRICS_TOO_MANY_INSTRUMENTS: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: false },
  VIGIL_ERR_CONFIG_INVALID: { status: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  VIGIL_ERR_CONFIG_UNREADABLE: { status: GrpcStatus.FAILED_PRECONDITION, retryable: false },
  VIGIL_ERR_CONFIG_NO_FILE: { status: GrpcStatus.FAILED_PRECONDITION, retryable: false },
  VIGIL_ERR_CONFIG_VERSION_NOT_FOUND: { status: GrpcStatus.NOT_FOUND, retryable: false },
  VIGIL_ERR_CONFIG_VERSION_UNREADABLE: { status: GrpcStatus.FAILED_PRECONDITION, retryable: false },
  VIGIL_ERR_CONFIG_BUSY: { status: GrpcStatus.ABORTED, retryable: true },
  VIGIL_ERR_CONFIG_PROTECTED_KEY: { status: GrpcStatus.PERMISSION_DENIED, retryable: false },
  VIGIL_ERR_ROUTER_QUEUE_FULL: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  VIGIL_ERR_ROUTER_RATE_LIMITED: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  VIGIL_ERR_ROUTER_UNKNOWN_DESTINATION: { status: GrpcStatus.NOT_FOUND, retryable: false },
  VIGIL_ERR_ROUTER_NOT_SUBSCRIBER: { status: GrpcStatus.FAILED_PRECONDITION, retryable: false },
  VIGIL_ERR_ROUTER_STORAGE: { status: GrpcStatus.UNAVAILABLE, retryable: true },
  VIGIL_ERR_ROUTER_DISK_FULL: { status: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  VIGIL_ERR_ALERT_NOT_FOUND: { status: GrpcStatus.NOT_FOUND, retryable: false },
  VIGIL_ERR_ALERT_SILENCE_NOT_FOUND: { status: GrpcStatus.NOT_FOUND, retryable: false },
} as const satisfies Record<string, { status: GrpcStatus; retryable: boolean }>;

export type ErrorCode = keyof typeof ERRORS;

export class VigilError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "VigilError";
    this.code = code;
  }
  get grpcStatus(): GrpcStatus {
    return ERRORS[this.code].status;
  }
  get retryable(): boolean {
    return ERRORS[this.code].retryable;
  }
}

/** Invalid request field; the message always starts with the field's name. */
export function invalidField(field: string, problem: string): VigilError {
  return new VigilError("VIGIL_ERR_REQUEST_INVALID_FIELD", `${field}: ${problem}`);
}

/** Normalises anything thrown into an Error, once, at a catch site. */
export function toError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === "string" ? e : JSON.stringify(e));
}

export interface GrpcErrorShape {
  code: GrpcStatus;
  details: string;
}

/**
 * Maps an error to the status a caller sees. Unexpected errors become INTERNAL
 * with a generic message: their details go to the log, never to the caller.
 */
export function toGrpcStatus(e: unknown): GrpcErrorShape & { expected: boolean } {
  if (e instanceof VigilError) {
    return { code: e.grpcStatus, details: `${e.code}: ${e.message}`, expected: true };
  }
  return { code: GrpcStatus.INTERNAL, details: "VIGIL_ERR_SERVER_INTERNAL: internal error", expected: false };
}
