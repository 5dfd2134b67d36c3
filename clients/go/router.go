package vigil

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"vigil/clients/go/vigilv1"
)

// Priority orders a destination's queue; the zero value is PriorityNormal.
type Priority int32

const (
	PriorityLow      = Priority(vigilv1.Priority_PRIORITY_LOW)
	PriorityNormal   = Priority(vigilv1.Priority_PRIORITY_NORMAL)
	PriorityHigh     = Priority(vigilv1.Priority_PRIORITY_HIGH)
	PriorityCritical = Priority(vigilv1.Priority_PRIORITY_CRITICAL)
)

// PublishOptions are a message's optional fields; nil means all defaults.
type PublishOptions struct {
	ContentType string
	Attributes  map[string]string
	Priority    Priority
	// Vigil answers a second publish with the same key, within its dedup window (10 min), with
	// Duplicate = true and the first message's id. One is made when empty.
	IdempotencyKey string
	// Not delivered within this long, the message goes to the dead-letter file. 0 = never expires.
	TTL time.Duration
}

// PublishResult is Vigil's answer: the message is on Vigil's disk.
type PublishResult struct {
	MessageID string
	// True when Vigil had the key already (a retry whose first answer was lost, or a repeat).
	Duplicate bool
	// Destinations the message was routed to.
	Routed int
	// The key the message was published with (the one given, or the one made).
	IdempotencyKey string
}

// Publish sends one message and returns once Vigil has it on disk. While Vigil is unavailable
// (restarting, unreachable, shedding load, a full queue) it tries again with backoff, honouring
// Vigil's grpc-retry-pushback-ms, always with the same idempotency key, so a retry after a lost
// answer is never a second message. It gives up after PublishTimeout (or when ctx ends), with the
// last error; a permanent error (a bad topic, an oversized payload) returns at once.
//
// Publishes go out through PublishBatch, batched adaptively: an idle client sends a publish at once
// (a call of one message); while a call is in flight, the publishes of other goroutines wait and go
// together in the next call, so a busy client pays one call (and Vigil one commit) per batch. There
// is no linger: a lone publish never waits for company. A message Vigil refuses alone fails only its
// own Publish. Against a Vigil without PublishBatch (UNIMPLEMENTED) the client falls back to one
// Publish call per message. When ctx ends while the message waits for a call in flight, Publish
// returns; the message may still be published.
func (c *Client) Publish(ctx context.Context, topic string, payload []byte, opts *PublishOptions) (PublishResult, error) {
	if c.isClosed() {
		return PublishResult{}, ErrClosed
	}
	req := &vigilv1.PublishRequest{Topic: topic, Payload: payload}
	if opts != nil {
		req.ContentType = opts.ContentType
		req.Attributes = copyMap(opts.Attributes)
		req.Priority = vigilv1.Priority(opts.Priority)
		req.IdempotencyKey = opts.IdempotencyKey
		if opts.TTL > 0 {
			req.Ttl = durationpb.New(opts.TTL)
		}
	}
	if req.IdempotencyKey == "" {
		req.IdempotencyKey = newID(16)
	}
	until := time.Now().Add(c.opts.PublishTimeout)
	for attempt := 0; ; attempt++ {
		p := &pendingPublish{req: req, until: until, done: make(chan struct{})}
		c.enqueuePublish(p)
		select {
		case <-p.done:
		case <-ctx.Done():
			return PublishResult{}, wrap(ctx, status.FromContextError(ctx.Err()).Err())
		}
		if p.err == nil {
			r := p.res
			return PublishResult{
				MessageID: r.MessageId, Duplicate: r.Duplicate, Routed: int(r.Routed), IdempotencyKey: req.IdempotencyKey,
			}, nil
		}
		e := wrap(ctx, p.err)
		ve, ok := e.(*Error)
		if !ok || !ve.Temporary() || ctx.Err() != nil || c.isClosed() {
			return PublishResult{}, e
		}
		wait := backoffFor(attempt)
		if p.pushback > wait {
			wait = p.pushback
		}
		if time.Now().Add(wait).After(until) {
			return PublishResult{}, &Error{
				Code: ve.Code, VigilCode: ve.VigilCode,
				Message: fmt.Sprintf("not published within %s (%d attempts; idempotency key %s): %s", c.opts.PublishTimeout, attempt+1, req.IdempotencyKey, ve.Message),
			}
		}
		c.mu.Lock()
		c.stats.PublishRetries++
		c.mu.Unlock()
		if !sleep(ctx, wait) {
			return PublishResult{}, wrap(ctx, ctx.Err())
		}
	}
}

// Vigil's bounds on one PublishBatch call (src/api/router-api.ts): messages, and payload bytes kept
// well inside server.grpc.max_message_bytes (4 MiB by default).
const (
	maxPublishBatch      = 500
	maxPublishBatchBytes = 1 << 20
)

// pendingPublish is one attempt of one Publish, waiting for its PublishBatch call.
type pendingPublish struct {
	req   *vigilv1.PublishRequest
	until time.Time
	done  chan struct{}
	// Set before done is closed: the answer, or why this attempt failed.
	res      *vigilv1.PublishResult
	err      error
	pushback time.Duration
}

// publishBatcher holds the publishes waiting for the next call; at most one call is in flight.
type publishBatcher struct {
	mu       sync.Mutex
	outbox   []*pendingPublish
	inFlight bool
	// The Vigil answered PublishBatch with UNIMPLEMENTED (an older version): one Publish per message.
	noBatch bool
}

// enqueuePublish queues p and, when no call is in flight, starts the goroutine that sends the outbox
// call by call until it is empty. An idle client's publish thus leaves at once; while a call is in
// flight the others gather in the outbox and go together in the next.
func (c *Client) enqueuePublish(p *pendingPublish) {
	b := &c.publishes
	b.mu.Lock()
	b.outbox = append(b.outbox, p)
	start := !b.inFlight
	b.inFlight = true
	b.mu.Unlock()
	if start {
		go c.sendPublishes()
	}
}

func (c *Client) sendPublishes() {
	b := &c.publishes
	for {
		b.mu.Lock()
		if len(b.outbox) == 0 {
			b.inFlight = false
			b.mu.Unlock()
			return
		}
		max := maxPublishBatch
		if b.noBatch {
			max = 1
		}
		n, size := 0, 0
		for _, p := range b.outbox {
			if n >= max || (n > 0 && size+len(p.req.Payload) > maxPublishBatchBytes) {
				break
			}
			n++
			size += len(p.req.Payload)
		}
		batch := make([]*pendingPublish, n)
		copy(batch, b.outbox)
		rest := copy(b.outbox, b.outbox[n:])
		for i := rest; i < len(b.outbox); i++ {
			b.outbox[i] = nil
		}
		b.outbox = b.outbox[:rest]
		noBatch := b.noBatch
		b.mu.Unlock()

		c.mu.Lock()
		c.stats.PublishCalls++
		c.stats.PublishedMessages += uint64(n)
		c.mu.Unlock()
		if noBatch {
			c.publishOne(batch[0])
		} else if c.publishBatch(batch) {
			// UNIMPLEMENTED: the same messages again, ahead of the others, one Publish each.
			b.mu.Lock()
			b.noBatch = true
			b.outbox = append(batch, b.outbox...)
			b.mu.Unlock()
		}
	}
}

// callDeadline is the latest of the batch's own deadlines, bounded by CallTimeout.
func (c *Client) callDeadline(batch []*pendingPublish) time.Duration {
	var latest time.Time
	for _, p := range batch {
		if p.until.After(latest) {
			latest = p.until
		}
	}
	d := time.Until(latest)
	if d > c.opts.CallTimeout {
		d = c.opts.CallTimeout
	}
	if d < 50*time.Millisecond {
		d = 50 * time.Millisecond
	}
	return d
}

func (c *Client) publishOne(p *pendingPublish) {
	ctx, cancel := context.WithTimeout(context.Background(), c.callDeadline([]*pendingPublish{p}))
	var trailer metadata.MD
	// Wait-for-ready: while Vigil restarts, the attempt waits for the connection (up to its
	// deadline) instead of failing at once.
	r, err := c.router.Publish(ctx, p.req, grpc.WaitForReady(true), grpc.Trailer(&trailer))
	cancel()
	if err != nil {
		p.err, p.pushback = err, pushbackOf(trailer)
	} else {
		p.res = &vigilv1.PublishResult{MessageId: r.MessageId, Duplicate: r.Duplicate, Routed: r.Routed}
	}
	close(p.done)
}

// publishBatch sends one PublishBatch call and answers each publish of it; true when Vigil has no
// PublishBatch (nothing answered: the caller re-queues the batch).
func (c *Client) publishBatch(batch []*pendingPublish) bool {
	reqs := make([]*vigilv1.PublishRequest, len(batch))
	for i, p := range batch {
		reqs[i] = p.req
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.callDeadline(batch))
	var trailer metadata.MD
	r, err := c.router.PublishBatch(ctx, &vigilv1.PublishBatchRequest{Messages: reqs}, grpc.WaitForReady(true), grpc.Trailer(&trailer))
	cancel()
	if err != nil {
		if status.Code(err) == codes.Unimplemented {
			return true
		}
		pushback := pushbackOf(trailer)
		for _, p := range batch {
			p.err, p.pushback = err, pushback
			close(p.done)
		}
		return false
	}
	results := r.GetResults()
	for i, p := range batch {
		switch {
		case i >= len(results):
			p.err = &Error{Code: codes.Internal, VigilCode: "VIGIL_ERR_SERVER_INTERNAL", Message: "no result for this message in Vigil's answer"}
		case results[i].Code != "":
			p.err = resultError(results[i])
		default:
			p.res = results[i]
		}
		close(p.done)
	}
	return false
}

// The statuses of the refusals a PublishBatch result can carry: the same as a single Publish's for
// these catalogue codes (src/errors.ts), so Temporary and errors.As work alike either way.
var resultStatus = map[string]codes.Code{
	"VIGIL_ERR_REQUEST_INVALID_FIELD": codes.InvalidArgument,
	"VIGIL_ERR_SERVER_SHUTTING_DOWN":  codes.Unavailable,
	"VIGIL_ERR_SERVER_OVERLOADED":     codes.ResourceExhausted,
	"VIGIL_ERR_SERVER_INTERNAL":       codes.Internal,
	"VIGIL_ERR_ROUTER_QUEUE_FULL":     codes.ResourceExhausted,
	"VIGIL_ERR_ROUTER_RATE_LIMITED":   codes.ResourceExhausted,
	"VIGIL_ERR_ROUTER_STORAGE":        codes.Unavailable,
	"VIGIL_ERR_ROUTER_DISK_FULL":      codes.ResourceExhausted,
}

// resultError is the *Error of a message Vigil refused alone. A code newer than this client gets
// its status from the result's retryable flag.
func resultError(r *vigilv1.PublishResult) *Error {
	code, ok := resultStatus[r.Code]
	if !ok {
		code = codes.Unknown
		if r.Retryable {
			code = codes.Unavailable
		}
	}
	return &Error{Code: code, VigilCode: r.Code, Message: r.Message}
}

func pushbackOf(trailer metadata.MD) time.Duration {
	if v := trailer.Get("grpc-retry-pushback-ms"); len(v) > 0 {
		if ms, err := strconv.Atoi(v[0]); err == nil && ms >= 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}
	return 0
}

// SubscribeOptions tune a subscription; nil means defaults.
type SubscribeOptions struct {
	// Deliveries sent and not yet acked at most. Default 16.
	MaxInFlight int
	// Consume through SubscribeBatches: several deliveries per stream message (what is ready, never
	// held back to fill a batch), fewer stream messages for a busy destination. Next still returns
	// one delivery at a time.
	Batches bool
	// With Batches: deliveries per stream message at most; 0 = Vigil's default (256).
	MaxBatch int
}

// Subscription is a stream of deliveries from one subscriber destination, opened again when it
// drops (Vigil restarting). Call Next from one goroutine; Ack and Nack from any.
type Subscription struct {
	c           *Client
	destination string
	maxInFlight uint32
	parent      context.Context
	ctx         context.Context
	cancel      context.CancelFunc
	stream      deliveryStream
	batches     bool
	maxBatch    uint32
	ready       []*vigilv1.Delivery // the rest of the last SubscribeBatches message
	opened      bool
	closeOnce   sync.Once
}

// Delivery is one message delivered to a subscriber. Ack it when handled or Nack it to have it
// retried; one neither acked nor nacked comes again after the destination's ack timeout or when the
// stream drops (at-least-once).
type Delivery struct {
	MessageID   string
	Topic       string
	Payload     []byte
	ContentType string
	Attributes  map[string]string
	Priority    Priority
	// 1 on the first delivery, counting up on each redelivery.
	Attempt        int
	Traceparent    string
	PublishedAt    time.Time
	IdempotencyKey string
	sub            *Subscription
}

// Subscribe consumes the subscriber destination named destination until ctx ends or Close.
func (c *Client) Subscribe(ctx context.Context, destination string, opts *SubscribeOptions) *Subscription {
	max := 16
	if opts != nil && opts.MaxInFlight > 0 {
		max = opts.MaxInFlight
	}
	sctx, cancel := context.WithCancel(ctx)
	s := &Subscription{c: c, destination: destination, maxInFlight: uint32(max), parent: ctx, ctx: sctx, cancel: cancel}
	if opts != nil && opts.Batches {
		s.batches = true
		if opts.MaxBatch > 0 {
			s.maxBatch = uint32(opts.MaxBatch)
		}
	}
	c.mu.Lock()
	if c.closed {
		cancel()
	} else {
		c.subs[s] = struct{}{}
	}
	c.mu.Unlock()
	return s
}

// Next waits for the next delivery. When the stream drops it is opened again with backoff, and Next
// goes on waiting. It returns an error only for good: ErrClosed after Close, the context's error
// when it ends, or a permanent *Error (an unknown destination, a bad token).
func (s *Subscription) Next() (*Delivery, error) {
	for attempt := 0; ; {
		if s.ctx.Err() != nil {
			return nil, s.endErr()
		}
		if len(s.ready) > 0 {
			d := s.ready[0]
			s.ready[0] = nil
			s.ready = s.ready[1:]
			return s.delivery(d), nil
		}
		if s.stream == nil {
			if s.opened {
				s.c.mu.Lock()
				s.c.stats.Resubscribes++
				s.c.mu.Unlock()
			}
			stream, err := s.open()
			if err != nil {
				if e := s.retry(err, &attempt); e != nil {
					return nil, e
				}
				continue
			}
			s.stream, s.opened = stream, true
		}
		ds, err := s.stream.recv()
		if err != nil {
			s.stream = nil
			if e := s.retry(err, &attempt); e != nil {
				return nil, e
			}
			continue
		}
		attempt = 0
		s.ready = ds
	}
}

func (s *Subscription) delivery(d *vigilv1.Delivery) *Delivery {
	return &Delivery{
		MessageID: d.MessageId, Topic: d.Topic, Payload: d.Payload, ContentType: d.ContentType,
		Attributes: d.Attributes, Priority: Priority(d.Priority), Attempt: int(d.Attempt),
		Traceparent: d.Traceparent, PublishedAt: d.PublishedAt.AsTime(), IdempotencyKey: d.IdempotencyKey, sub: s,
	}
}

// deliveryStream is a Subscribe or a SubscribeBatches stream, as deliveries.
type deliveryStream interface {
	recv() ([]*vigilv1.Delivery, error)
}

type oneStream struct {
	vigilv1.RouterService_SubscribeClient
}

func (o oneStream) recv() ([]*vigilv1.Delivery, error) {
	d, err := o.Recv()
	if err != nil {
		return nil, err
	}
	return []*vigilv1.Delivery{d}, nil
}

type batchStream struct {
	vigilv1.RouterService_SubscribeBatchesClient
}

func (b batchStream) recv() ([]*vigilv1.Delivery, error) {
	r, err := b.Recv()
	if err != nil {
		return nil, err
	}
	return r.GetDeliveries(), nil
}

func (s *Subscription) open() (deliveryStream, error) {
	if s.batches {
		st, err := s.c.router.SubscribeBatches(s.ctx, &vigilv1.SubscribeBatchesRequest{
			Destination: s.destination, MaxInFlight: s.maxInFlight, MaxBatch: s.maxBatch,
		}, grpc.WaitForReady(true))
		if err != nil {
			return nil, err
		}
		return batchStream{st}, nil
	}
	st, err := s.c.router.Subscribe(s.ctx, &vigilv1.SubscribeRequest{
		Destination: s.destination, MaxInFlight: s.maxInFlight,
	}, grpc.WaitForReady(true))
	if err != nil {
		return nil, err
	}
	return oneStream{st}, nil
}

// retry decides after a failed open or a dropped stream: nil to open again (after a backoff), or the
// error that ends the subscription.
func (s *Subscription) retry(err error, attempt *int) error {
	if s.ctx.Err() != nil {
		return s.endErr()
	}
	// io.EOF (Vigil ended the stream, e.g. shutting down) has no status: it is a drop like the others.
	if e, ok := wrap(s.ctx, err).(*Error); ok && !e.Temporary() {
		switch e.Code {
		case codes.NotFound, codes.FailedPrecondition, codes.InvalidArgument, codes.Unauthenticated,
			codes.PermissionDenied, codes.Unimplemented:
			s.Close()
			return e
		}
	}
	wait := backoffFor(*attempt)
	*attempt++
	if !sleep(s.ctx, wait) {
		return s.endErr()
	}
	return nil
}

// endErr is why the subscription ended: the caller's context, else Close (of it or of the client).
func (s *Subscription) endErr() error {
	if err := s.parent.Err(); err != nil {
		return err
	}
	return ErrClosed
}

// Close ends the subscription; deliveries not acked come again to another subscriber.
func (s *Subscription) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		s.c.mu.Lock()
		delete(s.c.subs, s)
		s.c.mu.Unlock()
	})
}

// Ack tells Vigil the delivery is handled. One attempt within CallTimeout; ErrNotInFlight when Vigil
// no longer holds it (acked already, or redelivered after its ack timeout or a dropped stream).
func (d *Delivery) Ack(ctx context.Context) error {
	return d.sub.ack(ctx, &vigilv1.AckRequest{Destination: d.sub.destination, MessageIds: []string{d.MessageID}})
}

// Nack rejects the delivery: Vigil retries it with backoff. Errors as for Ack.
func (d *Delivery) Nack(ctx context.Context) error {
	return d.sub.ack(ctx, &vigilv1.AckRequest{Destination: d.sub.destination, NackIds: []string{d.MessageID}})
}

func (s *Subscription) ack(ctx context.Context, req *vigilv1.AckRequest) error {
	if s.c.isClosed() {
		return ErrClosed
	}
	actx, cancel := context.WithTimeout(ctx, s.c.opts.CallTimeout)
	defer cancel()
	r, err := s.c.router.Ack(actx, req, grpc.WaitForReady(true))
	if err != nil {
		return wrap(ctx, err)
	}
	if len(r.UnknownIds) > 0 {
		return ErrNotInFlight
	}
	return nil
}
