// Package vigil is the Go client for Vigil, the observability sidecar: heartbeats and job runs,
// batched metrics, durable publishes and subscriptions that ride out a Vigil restart.
//
// Import path vigil/clients/go (package vigil); the generated stubs are vigil/clients/go/vigilv1.
// It builds offline in GOPATH mode from Debian's Go packages (grpc-go 1.33, protobuf-go 1.28); see
// clients/go/README.md.
//
//	v, err := vigil.New(vigil.Options{})   // VIGIL_ADDRESS, else 127.0.0.1:7070; VIGIL_TOKEN
//	defer v.Close()
//	state, err := v.Beat(ctx, "worker", nil)
package vigil

import (
	"context"
	"fmt"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/metadata"

	"vigil/clients/go/vigilv1"
)

// DefaultAddress is where Vigil listens when neither Options.Address nor VIGIL_ADDRESS says otherwise.
const DefaultAddress = "127.0.0.1:7070"

// Options configure a Client; every field is optional.
type Options struct {
	// Vigil's gRPC address; default the VIGIL_ADDRESS variable, else 127.0.0.1:7070.
	Address string
	// Bearer token for a Vigil with server.auth; default the VIGIL_TOKEN variable. Sent as
	// `authorization: Bearer <token>` and never written to an error or a log line.
	Token string
	// Sent as `vigil-client` metadata, this process's name for Vigil's per-client limits when it
	// runs without tokens. Default "<program>-<pid>".
	ClientID string
	// One attempt's deadline. Default 5 s.
	CallTimeout time.Duration
	// How long one Publish keeps retrying while Vigil is unavailable. Default 30 s.
	PublishTimeout time.Duration
	// How often buffered metric points are sent (also at 500 points). Default 1 s.
	FlushInterval time.Duration
	// Metric points held while Vigil is away; beyond, the oldest are dropped and counted. Default 10,000.
	MaxBufferedPoints int
	// Where the client reports what it cannot return (a beat loop's failures, rejected points, once
	// per reason). Default: standard error, prefixed "vigil: ".
	Logger *log.Logger
	// More grpc.DialOptions, e.g. transport credentials for a Vigil with server.grpc.tls.
	DialOptions []grpc.DialOption
}

// Client talks to one Vigil. It is safe for concurrent use; Close it when done.
type Client struct {
	opts      Options
	conn      *grpc.ClientConn
	heartbeat vigilv1.HeartbeatServiceClient
	metrics   vigilv1.MetricsServiceClient
	router    vigilv1.RouterServiceClient
	log       *log.Logger

	points    pointBuffer
	publishes publishBatcher

	mu         sync.Mutex
	closed     bool
	heartbeats map[*Heartbeat]struct{}
	subs       map[*Subscription]struct{}
	stats      Stats

	stop      chan struct{}
	kick      chan struct{}
	flusher   sync.WaitGroup
	closeOnce sync.Once
}

// Stats are the client's own counters.
type Stats struct {
	// Metric points waiting to be sent.
	BufferedPoints int
	// Points dropped: beyond MaxBufferedPoints, or in a batch Vigil refused as a whole.
	DroppedPoints uint64
	// Points Vigil rejected one by one (RecordResponse.rejected).
	RejectedPoints uint64
	// Publish attempts repeated after a retryable failure.
	PublishRetries uint64
	// Publish calls made (PublishBatch, or Publish against a Vigil without it), retries included.
	PublishCalls uint64
	// Messages those calls carried; PublishedMessages / PublishCalls is the mean batch size.
	PublishedMessages uint64
	// Subscribe streams opened again after a drop.
	Resubscribes uint64
}

// New makes a client. It does not wait for Vigil: the connection is made in the background and
// re-made after a drop (200 ms to 5 s backoff), and calls wait for it as each method documents.
func New(opts Options) (*Client, error) {
	if opts.Address == "" {
		opts.Address = os.Getenv("VIGIL_ADDRESS")
	}
	if opts.Address == "" {
		opts.Address = DefaultAddress
	}
	if opts.Token == "" {
		opts.Token = os.Getenv("VIGIL_TOKEN")
	}
	// A CR, LF or other control character would let the token forge another header (or fail
	// every call later); refuse it now, without repeating it.
	if strings.IndexFunc(opts.Token, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return nil, fmt.Errorf("vigil: the token (Options.Token or VIGIL_TOKEN) contains a control character")
	}
	if opts.ClientID == "" {
		opts.ClientID = fmt.Sprintf("%s-%d", filepath.Base(os.Args[0]), os.Getpid())
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 5 * time.Second
	}
	if opts.PublishTimeout <= 0 {
		opts.PublishTimeout = 30 * time.Second
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = time.Second
	}
	if opts.MaxBufferedPoints <= 0 {
		opts.MaxBufferedPoints = 10000
	}
	logger := opts.Logger
	if logger == nil {
		logger = log.New(os.Stderr, "vigil: ", log.LstdFlags)
	}
	pairs := []string{"vigil-client", opts.ClientID}
	if opts.Token != "" {
		pairs = append(pairs, "authorization", "Bearer "+opts.Token)
	}
	dial := []grpc.DialOption{
		grpc.WithInsecure(),
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 200 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 5 * time.Second},
			MinConnectTimeout: 5 * time.Second,
		}),
		grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, o ...grpc.CallOption) error {
			return invoker(metadata.AppendToOutgoingContext(ctx, pairs...), method, req, reply, cc, o...)
		}),
		grpc.WithChainStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, o ...grpc.CallOption) (grpc.ClientStream, error) {
			return streamer(metadata.AppendToOutgoingContext(ctx, pairs...), desc, cc, method, o...)
		}),
	}
	conn, err := grpc.Dial(opts.Address, append(dial, opts.DialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("vigil: address %q: %w", opts.Address, err)
	}
	c := &Client{
		opts:       opts,
		conn:       conn,
		heartbeat:  vigilv1.NewHeartbeatServiceClient(conn),
		metrics:    vigilv1.NewMetricsServiceClient(conn),
		router:     vigilv1.NewRouterServiceClient(conn),
		log:        logger,
		heartbeats: map[*Heartbeat]struct{}{},
		subs:       map[*Subscription]struct{}{},
		stop:       make(chan struct{}),
		kick:       make(chan struct{}, 1),
	}
	c.points.init(opts.MaxBufferedPoints)
	c.flusher.Add(1)
	go c.flushLoop()
	return c, nil
}

// Address is the address the client dials.
func (c *Client) Address() string { return c.opts.Address }

// Conn is the client's connection, with its token and client id, for the generated stubs of the
// services this package does not wrap (vigilv1.NewAdminServiceClient(c.Conn()) …).
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	s := c.stats
	c.mu.Unlock()
	s.BufferedPoints = c.points.len()
	return s
}

// Close stops heartbeat loops and subscriptions, sends the buffered metric points (within one
// CallTimeout) and closes the connection. Safe to call more than once.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		hbs := make([]*Heartbeat, 0, len(c.heartbeats))
		for h := range c.heartbeats {
			hbs = append(hbs, h)
		}
		subs := make([]*Subscription, 0, len(c.subs))
		for s := range c.subs {
			subs = append(subs, s)
		}
		c.mu.Unlock()
		for _, h := range hbs {
			h.Stop()
		}
		for _, s := range subs {
			s.Close()
		}
		close(c.stop)
		c.flusher.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.CallTimeout)
		if err := c.Flush(ctx); err != nil {
			c.log.Printf("%d metric points not sent at close: %v", c.points.len(), err)
		}
		cancel()
		_ = c.conn.Close()
	})
	return nil
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// backoff is exponential with jitter (half to all of the cap), 100 ms doubling to 5 s.
func backoffFor(attempt int) time.Duration {
	if attempt > 16 {
		attempt = 16
	}
	limit := 100 * time.Millisecond << uint(attempt)
	if limit > 5*time.Second {
		limit = 5 * time.Second
	}
	return limit/2 + time.Duration(rand.Int63n(int64(limit/2)+1))
}

// sleep waits d, or less when ctx ends first (then false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
