package vigil

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Error is what a call to Vigil failed with: the gRPC code and, when Vigil said it, the code from
// its error catalogue (VIGIL_ERR_…, listed in Vigil's README under "Errors").
//
//	var e *vigil.Error
//	if errors.As(err, &e) && e.VigilCode == "VIGIL_ERR_ROUTER_QUEUE_FULL" { … }
type Error struct {
	// The gRPC status code, e.g. codes.InvalidArgument.
	Code codes.Code
	// Vigil's error code, e.g. "VIGIL_ERR_REQUEST_INVALID_FIELD"; empty when the failure did not
	// come from Vigil (no connection, a deadline).
	VigilCode string
	// The message without the code; for a bad field it starts with the field's name.
	Message string
	cause   error
}

func (e *Error) Error() string {
	if e.VigilCode != "" {
		return fmt.Sprintf("vigil: %s: %s: %s", e.Code, e.VigilCode, e.Message)
	}
	return fmt.Sprintf("vigil: %s: %s", e.Code, e.Message)
}

// GRPCStatus lets status.Code(err) and status.FromError(err) see the code.
func (e *Error) GRPCStatus() *status.Status { return status.New(e.Code, e.Message) }

// Unwrap gives the caller's context error when that is why the call ended, so
// errors.Is(err, context.DeadlineExceeded) holds.
func (e *Error) Unwrap() error { return e.cause }

// Temporary reports whether the same call may succeed later: Vigil restarting or unreachable,
// shedding load, a full queue. The Publish retries follow it.
func (e *Error) Temporary() bool {
	switch e.Code {
	case codes.Unavailable, codes.Aborted:
		return true
	case codes.DeadlineExceeded:
		return e.cause == nil // one attempt's own deadline, not the caller's
	case codes.ResourceExhausted, codes.Internal:
		_, ok := retryableCodes[e.VigilCode]
		return ok
	}
	return false
}

// The catalogue entries marked retryable whose status is not UNAVAILABLE (src/errors.ts).
var retryableCodes = map[string]struct{}{
	"VIGIL_ERR_SERVER_OVERLOADED":    {},
	"VIGIL_ERR_SERVER_INTERNAL":      {},
	"VIGIL_ERR_LIMIT_CLIENT_RATE":    {},
	"VIGIL_ERR_LIMIT_STREAMS":        {},
	"VIGIL_ERR_ROUTER_QUEUE_FULL":    {},
	"VIGIL_ERR_ROUTER_RATE_LIMITED":  {},
	"VIGIL_ERR_ROUTER_DISK_FULL":     {},
	"VIGIL_ERR_CONFIG_BUSY":          {},
	"VIGIL_ERR_SERVER_SHUTTING_DOWN": {},
}

// Vigil's status details start with the code: "VIGIL_ERR_<AREA>_<WHAT>: message".
var vigilDetails = regexp.MustCompile(`(?s)^(VIGIL_ERR_[A-Z0-9_]+): ?(.*)$`)

// wrap turns what a stub returned into an *Error; ctx is the caller's, to tell its end from an
// attempt's deadline.
func wrap(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	s, ok := status.FromError(err)
	if !ok {
		return err
	}
	out := &Error{Code: s.Code(), Message: s.Message()}
	if m := vigilDetails.FindStringSubmatch(s.Message()); m != nil {
		out.VigilCode, out.Message = m[1], m[2]
	}
	if ctx != nil && ctx.Err() != nil && (s.Code() == codes.Canceled || s.Code() == codes.DeadlineExceeded) {
		out.cause = ctx.Err()
	}
	return out
}

// ErrClosed is returned by calls on a closed Client or Subscription.
var ErrClosed = errors.New("vigil: closed")

// ErrNotInFlight is returned by Ack and Nack when Vigil no longer holds the delivery: acked before,
// or its ack timeout passed or its stream dropped, so it is (or will be) delivered again.
var ErrNotInFlight = errors.New("vigil: the delivery is no longer in flight")
