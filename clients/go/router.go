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
		actx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
		var trailer metadata.MD
		// Wait-for-ready: while Vigil restarts, the attempt waits for the connection (up to its
		// deadline) instead of failing at once.
		r, err := c.router.Publish(actx, req, grpc.WaitForReady(true), grpc.Trailer(&trailer))
		cancel()
		if err == nil {
			return PublishResult{
				MessageID: r.MessageId, Duplicate: r.Duplicate, Routed: int(r.Routed), IdempotencyKey: req.IdempotencyKey,
			}, nil
		}
		e := wrap(ctx, err)
		ve, ok := e.(*Error)
		if !ok || !ve.Temporary() || ctx.Err() != nil || c.isClosed() {
			return PublishResult{}, e
		}
		wait := backoffFor(attempt)
		if v := trailer.Get("grpc-retry-pushback-ms"); len(v) > 0 {
			if ms, perr := strconv.Atoi(v[0]); perr == nil && ms >= 0 && time.Duration(ms)*time.Millisecond > wait {
				wait = time.Duration(ms) * time.Millisecond
			}
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

// SubscribeOptions tune a subscription; nil means defaults.
type SubscribeOptions struct {
	// Deliveries sent and not yet acked at most. Default 16.
	MaxInFlight int
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
	stream      vigilv1.RouterService_SubscribeClient
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
		if s.stream == nil {
			if s.opened {
				s.c.mu.Lock()
				s.c.stats.Resubscribes++
				s.c.mu.Unlock()
			}
			stream, err := s.c.router.Subscribe(s.ctx, &vigilv1.SubscribeRequest{
				Destination: s.destination, MaxInFlight: s.maxInFlight,
			}, grpc.WaitForReady(true))
			if err != nil {
				if e := s.retry(err, &attempt); e != nil {
					return nil, e
				}
				continue
			}
			s.stream, s.opened = stream, true
		}
		d, err := s.stream.Recv()
		if err != nil {
			s.stream = nil
			if e := s.retry(err, &attempt); e != nil {
				return nil, e
			}
			continue
		}
		attempt = 0
		return &Delivery{
			MessageID: d.MessageId, Topic: d.Topic, Payload: d.Payload, ContentType: d.ContentType,
			Attributes: d.Attributes, Priority: Priority(d.Priority), Attempt: int(d.Attempt),
			Traceparent: d.Traceparent, PublishedAt: d.PublishedAt.AsTime(), IdempotencyKey: d.IdempotencyKey, sub: s,
		}, nil
	}
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
