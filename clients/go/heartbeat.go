package vigil

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/durationpb"

	"vigil/clients/go/vigilv1"
)

// Health is what a component says about itself; the zero value is HealthOK.
type Health int32

const (
	HealthOK       = Health(vigilv1.Health_HEALTH_OK)
	HealthDegraded = Health(vigilv1.Health_HEALTH_DEGRADED)
	HealthFailing  = Health(vigilv1.Health_HEALTH_FAILING)
)

// State is a component's state as Vigil computes it: "UNKNOWN", "UP", "LATE" or "DOWN".
type State string

const (
	StateUnknown State = "UNKNOWN"
	StateUp      State = "UP"
	StateLate    State = "LATE"
	StateDown    State = "DOWN"
)

// BeatOptions are a beat's optional fields; nil means all defaults.
type BeatOptions struct {
	Health  Health
	Message string
	// Expected period between beats; 0 = Vigil's default (heartbeats.default_interval, 30 s).
	Interval time.Duration
	// Time past the interval before DOWN; 0 = the interval.
	Grace      time.Duration
	Attributes map[string]string
}

// Vigil refuses longer beat messages (4,096 characters); a job's error text is cut to fit.
const maxMessageBytes = 4096

// Beat sends one heartbeat and returns the component's state. It is one attempt within CallTimeout:
// while Vigil is unreachable it fails (with codes.Unavailable) rather than waiting.
func (c *Client) Beat(ctx context.Context, component string, opts *BeatOptions) (State, error) {
	return c.beat(ctx, beatRequest(component, opts, vigilv1.Signal_SIGNAL_UNSPECIFIED))
}

func beatRequest(component string, opts *BeatOptions, signal vigilv1.Signal) *vigilv1.BeatRequest {
	req := &vigilv1.BeatRequest{Component: component, Signal: signal}
	if opts != nil {
		req.Health = vigilv1.Health(opts.Health)
		req.Message = truncate(opts.Message)
		if opts.Interval > 0 {
			req.Interval = durationpb.New(opts.Interval)
		}
		if opts.Grace > 0 {
			req.Grace = durationpb.New(opts.Grace)
		}
		req.Attributes = copyMap(opts.Attributes)
	}
	return req
}

func (c *Client) beat(ctx context.Context, req *vigilv1.BeatRequest) (State, error) {
	if c.isClosed() {
		return "", ErrClosed
	}
	actx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	defer cancel()
	r, err := c.heartbeat.Beat(actx, req)
	if err != nil {
		return "", wrap(ctx, err)
	}
	return State(strings.TrimPrefix(r.State.String(), "COMPONENT_STATE_")), nil
}

// Heartbeat is a goroutine beating for one component; Stop ends it.
type Heartbeat struct {
	c         *Client
	stop      chan struct{}
	done      chan struct{}
	once      sync.Once
	mu        sync.Mutex
	lastState State
	lastErr   error
}

// Heartbeat beats for component now and then every `every` until Stop (or Close). Unless opts say
// otherwise, the beats tell Vigil to expect one every `every`. A failed beat is logged (once until the
// error changes) and the loop goes on.
func (c *Client) Heartbeat(component string, every time.Duration, opts *BeatOptions) *Heartbeat {
	if every <= 0 {
		every = 30 * time.Second
	}
	o := BeatOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Interval == 0 {
		o.Interval = every
	}
	req := beatRequest(component, &o, vigilv1.Signal_SIGNAL_UNSPECIFIED)
	h := &Heartbeat{c: c, stop: make(chan struct{}), done: make(chan struct{})}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		close(h.done)
		h.lastErr = ErrClosed
		return h
	}
	c.heartbeats[h] = struct{}{}
	c.mu.Unlock()
	go h.run(component, every, req)
	return h
}

func (h *Heartbeat) run(component string, every time.Duration, req *vigilv1.BeatRequest) {
	defer close(h.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-h.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	logged := ""
	for {
		state, err := h.c.beat(ctx, req)
		h.mu.Lock()
		h.lastState, h.lastErr = state, err
		h.mu.Unlock()
		if err != nil && ctx.Err() == nil && err.Error() != logged {
			logged = err.Error()
			h.c.log.Printf("heartbeat %s: %v", component, err)
		} else if err == nil && logged != "" {
			logged = ""
			h.c.log.Printf("heartbeat %s: beating again (%s)", component, state)
		}
		select {
		case <-ticker.C:
		case <-ctx.Done():
			return
		}
	}
}

// Last returns the state of the last beat and its error (nil when it went through).
func (h *Heartbeat) Last() (State, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastState, h.lastErr
}

// Stop ends the loop and waits for it; safe to call more than once.
func (h *Heartbeat) Stop() {
	h.once.Do(func() {
		close(h.stop)
		h.c.mu.Lock()
		delete(h.c.heartbeats, h)
		h.c.mu.Unlock()
	})
	<-h.done
}

// Run is one run of a job, begun with StartJob.
type Run struct {
	c         *Client
	component string
	opts      BeatOptions
	// ID pairs the run's START with its end, so concurrent runs of one job keep their own deadlines.
	ID string
}

// StartJob sends START for a new run of the job component (a fresh run id) and returns the run, also
// when the START failed (the error says why): the job's own work should not depend on its monitor.
// End it with Success, Fail or Exit. opts.Grace is how long the run may take before it is DOWN.
func (c *Client) StartJob(ctx context.Context, component string, opts *BeatOptions) (*Run, error) {
	r := &Run{c: c, component: component, ID: newID(8)}
	if opts != nil {
		r.opts = *opts
	}
	req := beatRequest(component, &r.opts, vigilv1.Signal_SIGNAL_START)
	req.RunId = r.ID
	_, err := c.beat(ctx, req)
	return r, err
}

// Success ends the run successfully.
func (r *Run) Success(ctx context.Context, message string) error {
	return r.end(ctx, vigilv1.Signal_SIGNAL_SUCCESS, message, nil)
}

// Fail ends the run as failed; message says why (Vigil lists it among the component's errors).
func (r *Run) Fail(ctx context.Context, message string) error {
	return r.end(ctx, vigilv1.Signal_SIGNAL_FAIL, message, nil)
}

// Exit ends the run with a process's exit status: 0 is success, anything else a failure.
func (r *Run) Exit(ctx context.Context, code int32, message string) error {
	signal := vigilv1.Signal_SIGNAL_SUCCESS
	if code != 0 {
		signal = vigilv1.Signal_SIGNAL_FAIL
		if message == "" {
			message = fmt.Sprintf("exit code %d", code)
		}
	}
	return r.end(ctx, signal, message, &code)
}

func (r *Run) end(ctx context.Context, signal vigilv1.Signal, message string, exitCode *int32) error {
	o := r.opts
	o.Message = message
	if signal == vigilv1.Signal_SIGNAL_FAIL && o.Health == 0 {
		o.Health = HealthFailing
	}
	req := beatRequest(r.component, &o, signal)
	req.RunId = r.ID
	req.ExitCode = exitCode
	_, err := r.c.beat(ctx, req)
	return err
}

// Job runs fn as one run of the job component: START before, then SUCCESS, or FAIL with fn's error
// text (or the panic's, re-panicked after). It returns fn's error unchanged. fn runs even when Vigil
// cannot be reached; what Vigil did not get is logged.
func (c *Client) Job(ctx context.Context, component string, opts *BeatOptions, fn func(ctx context.Context) error) (err error) {
	run, startErr := c.StartJob(ctx, component, opts)
	if startErr != nil {
		c.log.Printf("job %s run %s: START not sent: %v", component, run.ID, startErr)
	}
	report := func(endErr error) {
		if endErr != nil {
			c.log.Printf("job %s run %s: end not sent: %v", component, run.ID, endErr)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			report(run.Fail(context.Background(), fmt.Sprintf("panic: %v", p)))
			panic(p)
		}
	}()
	err = fn(ctx)
	// The end is sent even when ctx ended the job: that is when Vigil most needs to hear of it.
	endCtx := ctx
	if ctx.Err() != nil {
		endCtx = context.Background()
	}
	if err != nil {
		report(run.Fail(endCtx, err.Error()))
	} else {
		report(run.Success(endCtx, ""))
	}
	return err
}

// truncate cuts s to Vigil's message limit at a character boundary (UTF-8 bytes are never fewer than
// the UTF-16 units Vigil counts).
func truncate(s string) string {
	if len(s) <= maxMessageBytes {
		return s
	}
	cut := maxMessageBytes - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// newID is n random bytes in hex: run ids and idempotency keys.
func newID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on Linux; if it ever did, a time-based id still pairs a run.
		return fmt.Sprintf("%x", time.Now().UnixNano())
	}
	return hex.EncodeToString(b)
}
