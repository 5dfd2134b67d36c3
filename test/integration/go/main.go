// The Go client (clients/go) against a real Vigil, every part of it; run by
// test/integration/go-client.test.ts, which starts Vigil with auth on, passes VIGIL_ADDRESS and
// VIGIL_TOKEN, and restarts Vigil in the middle of the last part.
//
// Output: one JSON object per line on stdout. {"check":…,"ok":…} for each assertion, {"event":…}
// for the test to act on, and a final {"summary":…}. Standard input carries the test's word back:
// the line "restarted" once Vigil is up again. Exit status 1 when a check failed.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	vigil "vigil/clients/go"
	"vigil/clients/go/vigilv1"
)

var (
	outMu  sync.Mutex
	failed bool
)

func emit(v map[string]interface{}) {
	outMu.Lock()
	defer outMu.Unlock()
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func check(name string, ok bool, detail ...interface{}) {
	if !ok {
		failed = true
	}
	emit(map[string]interface{}{"check": name, "ok": ok, "detail": fmt.Sprint(detail...)})
}

func asError(err error) *vigil.Error {
	var e *vigil.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// syncBuffer is a log destination the checks can read while the client writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func component(v *vigil.Client, name string) *vigilv1.Component {
	r, err := vigilv1.NewHeartbeatServiceClient(v.Conn()).ListComponents(context.Background(), &vigilv1.ListComponentsRequest{})
	if err != nil {
		check("ListComponents through Conn()", false, err)
		return &vigilv1.Component{}
	}
	for _, c := range r.Components {
		if c.Name == name {
			return c
		}
	}
	return &vigilv1.Component{}
}

// eventually polls cond for up to d.
func eventually(d time.Duration, cond func() bool) bool {
	until := time.Now().Add(d)
	for time.Now().Before(until) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

func main() {
	ctx := context.Background()
	logs := &syncBuffer{}
	// Address and token from VIGIL_ADDRESS and VIGIL_TOKEN, as a bot would have them.
	v, err := vigil.New(vigil.Options{ClientID: "go-client-test", Logger: log.New(logs, "", 0), CallTimeout: 2 * time.Second})
	if err != nil {
		check("New", false, err)
		os.Exit(1)
	}
	check("address from VIGIL_ADDRESS", v.Address() == os.Getenv("VIGIL_ADDRESS"), v.Address())

	beats(ctx, v)
	jobs(ctx, v)
	metrics(ctx, v, logs)
	publishing(ctx, v)
	batching(ctx, v)
	fallback(ctx)
	subscribing(ctx, v)
	subscribingBatches(ctx, v)
	unreachable(ctx)
	restart(ctx, v)

	v.Close()
	check("calls after Close say so", errors.Is(func() error { _, err := v.Beat(ctx, "x", nil); return err }(), vigil.ErrClosed))
	if strings.Contains(logs.String(), os.Getenv("VIGIL_TOKEN")) {
		check("the token is in no log line", false)
	}
	if failed {
		os.Exit(1)
	}
}

func beats(ctx context.Context, v *vigil.Client) {
	state, err := v.Beat(ctx, "go-beat", &vigil.BeatOptions{
		Message: "warming up", Interval: 10 * time.Second, Health: vigil.HealthDegraded,
		Attributes: map[string]string{"lang": "go"},
	})
	check("Beat returns the state", err == nil && state == vigil.StateUp, state, err)
	c := component(v, "go-beat")
	check("Beat's fields reach Vigil", c.Health == vigilv1.Health_HEALTH_DEGRADED && c.Message == "warming up" &&
		c.Interval.AsDuration() == 10*time.Second && c.Attributes["lang"] == "go", c)

	_, err = v.Beat(ctx, "not a name!", nil)
	e := asError(err)
	check("a bad field is an Error with the gRPC code and Vigil's code",
		e != nil && e.Code == codes.InvalidArgument && e.VigilCode == "VIGIL_ERR_REQUEST_INVALID_FIELD" &&
			strings.HasPrefix(e.Message, "component") && status.Code(err) == codes.InvalidArgument, err)

	wrong, _ := vigil.New(vigil.Options{Token: "wrong-token-0123456789abcdef", Logger: log.New(&syncBuffer{}, "", 0)})
	_, err = wrong.Beat(ctx, "go-beat", nil)
	e = asError(err)
	check("a wrong token is UNAUTHENTICATED, VIGIL_ERR_AUTH_UNAUTHENTICATED, and not repeated",
		e != nil && e.Code == codes.Unauthenticated && e.VigilCode == "VIGIL_ERR_AUTH_UNAUTHENTICATED" &&
			!strings.Contains(err.Error(), "wrong-token"), err)
	wrong.Close()
	_, err = vigil.New(vigil.Options{Token: "abc\r\nx-evil: 1"})
	check("a token with a line break is refused without repeating it", err != nil && !strings.Contains(err.Error(), "evil"), err)

	hb := v.Heartbeat("go-heartbeat", 100*time.Millisecond, &vigil.BeatOptions{Message: "looping"})
	check("Heartbeat beats every period", eventually(5*time.Second, func() bool { return component(v, "go-heartbeat").BeatCount >= 4 }))
	hb.Stop()
	hb.Stop() // twice is fine
	after := component(v, "go-heartbeat")
	time.Sleep(400 * time.Millisecond)
	check("Heartbeat's loop ends with Stop", component(v, "go-heartbeat").BeatCount == after.BeatCount, after.BeatCount)
	check("Heartbeat tells Vigil its period", after.Interval.AsDuration() == 100*time.Millisecond && after.Message == "looping", after.Interval)
	state, err = hb.Last()
	check("Heartbeat.Last is the last beat", err == nil && state == vigil.StateUp, state, err)
}

func jobs(ctx context.Context, v *vigil.Client) {
	var during *vigilv1.Component
	err := v.Job(ctx, "go-job", &vigil.BeatOptions{Grace: time.Minute}, func(context.Context) error {
		during = component(v, "go-job")
		return nil
	})
	c := component(v, "go-job")
	check("Job sends START, then SUCCESS", err == nil && during.JobRunning && !c.JobRunning &&
		c.Health == vigilv1.Health_HEALTH_OK, during.JobRunning, c.JobRunning, c.Health, err)

	fail := errors.New("disk on fire")
	err = v.Job(ctx, "go-job", nil, func(context.Context) error { return fail })
	c = component(v, "go-job")
	check("Job returns fn's error and sends FAIL with its text", err == fail && !c.JobRunning &&
		c.Health == vigilv1.Health_HEALTH_FAILING && strings.Contains(c.Message, "disk on fire"), c.Health, c.Message, err)

	err = v.Job(ctx, "go-job", nil, func(context.Context) error { return nil })
	check("the next SUCCESS clears FAILING", err == nil && component(v, "go-job").Health == vigilv1.Health_HEALTH_OK)

	func() {
		defer func() {
			p := recover()
			c := component(v, "go-job-panic")
			check("a panic is sent as FAIL and re-panicked", p == "boom" && c.Health == vigilv1.Health_HEALTH_FAILING &&
				strings.Contains(c.Message, "panic: boom"), p, c.Message)
		}()
		_ = v.Job(ctx, "go-job-panic", nil, func(context.Context) error { panic("boom") })
	}()

	a, errA := v.StartJob(ctx, "go-job-runs", &vigil.BeatOptions{Grace: time.Minute})
	b, errB := v.StartJob(ctx, "go-job-runs", &vigil.BeatOptions{Grace: time.Minute})
	check("each run has its own run id", errA == nil && errB == nil && a.ID != b.ID &&
		regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`).MatchString(a.ID), a.ID, b.ID)
	check("Exit(0) is a success", a.Exit(ctx, 0, "") == nil && component(v, "go-job-runs").Health == vigilv1.Health_HEALTH_OK)
	err = b.Exit(ctx, 3, "")
	c = component(v, "go-job-runs")
	check("Exit(3) is a failure saying the exit code", err == nil && c.Health == vigilv1.Health_HEALTH_FAILING &&
		strings.Contains(c.Message, "exit code 3"), c.Message, err)

	long := strings.Repeat("é", 5000) // 10,000 bytes, over Vigil's 4,096-character message limit
	err = v.Job(ctx, "go-job-long", nil, func(context.Context) error { return errors.New(long) })
	c = component(v, "go-job-long")
	check("a long error text is cut to fit, not refused", c.Health == vigilv1.Health_HEALTH_FAILING && len(c.Message) <= 4096 &&
		strings.HasPrefix(c.Message, "éé"), len(c.Message))
}

func metrics(ctx context.Context, v *vigil.Client, logs *syncBuffer) {
	attrs := map[string]string{"lang": "go"}
	v.Counter("go.client.orders", 2, attrs)
	v.UpDownCounter("go.client.queue", -1, attrs)
	v.Gauge("go.client.temperature", 21.5, attrs, vigil.Unit("Cel"), vigil.Description("room temperature"))
	v.Histogram("go.client.latency", 0.25, attrs, vigil.Unit("s"))
	check("Flush sends the buffered points", v.Flush(ctx) == nil && v.Stats().BufferedPoints == 0, v.Stats())

	// Batching, on clients of their own so the main one's flush loop does not interfere.
	slow, _ := vigil.New(vigil.Options{FlushInterval: time.Hour, Logger: log.New(logs, "", 0)})
	for i := 0; i < 499; i++ {
		slow.Counter("go.client.batched", 1, attrs)
	}
	time.Sleep(300 * time.Millisecond)
	check("fewer than 500 points wait for the interval", slow.Stats().BufferedPoints == 499, slow.Stats().BufferedPoints)
	slow.Counter("go.client.batched", 1, attrs)
	check("the 500th point sends the batch", eventually(5*time.Second, func() bool { return slow.Stats().BufferedPoints == 0 }), slow.Stats())
	slow.Close()
	fast, _ := vigil.New(vigil.Options{FlushInterval: 200 * time.Millisecond, Logger: log.New(logs, "", 0)})
	fast.Counter("go.client.batched", 1, attrs)
	check("a point is sent within the flush interval", eventually(3*time.Second, func() bool { return fast.Stats().BufferedPoints == 0 }))
	fast.Close()

	before := v.Stats().RejectedPoints
	for i := 0; i < 3; i++ {
		v.Counter("go.client.orders", -1, attrs)
	}
	v.Counter("9-not-a-name", 1, nil)
	err := v.Flush(ctx)
	text := logs.String()
	check("rejected points are counted", err == nil && v.Stats().RejectedPoints-before == 4, v.Stats(), err)
	check("rejected points are logged once per reason",
		strings.Count(text, "VIGIL_ERR_METRICS_NEGATIVE_INCREMENT") == 1 && strings.Count(text, "VIGIL_ERR_METRICS_INVALID_NAME") == 1, text)
}

func publishing(ctx context.Context, v *vigil.Client) {
	first, err := v.Publish(ctx, "basic.created", []byte("one"), &vigil.PublishOptions{IdempotencyKey: "go-key-1"})
	second, err2 := v.Publish(ctx, "basic.created", []byte("one"), &vigil.PublishOptions{IdempotencyKey: "go-key-1"})
	check("Publish answers with the message id and routes", err == nil && first.MessageID != "" && first.Routed == 1 && !first.Duplicate, first, err)
	check("the same key again is a duplicate of the same message", err2 == nil && second.Duplicate && second.MessageID == first.MessageID, second, err2)
	r, err := v.Publish(ctx, "basic.created", []byte("two"), nil)
	check("a key is made when none is given", err == nil && regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(r.IdempotencyKey), r.IdempotencyKey)
	// Drain basic's queue so the subscribe checks start from an empty destination.
	sub := v.Subscribe(ctx, "basic", nil)
	for i := 0; i < 2; i++ {
		if d, err := sub.Next(); err == nil {
			_ = d.Ack(ctx)
		}
	}
	sub.Close()

	start := time.Now()
	_, err = v.Publish(ctx, "", []byte("x"), nil)
	e := asError(err)
	check("a permanent error returns at once", e != nil && e.Code == codes.InvalidArgument && !e.Temporary() &&
		time.Since(start) < time.Second, err, time.Since(start))
	_, err = v.Publish(ctx, "basic.big", make([]byte, 2<<20), nil)
	e = asError(err)
	check("an oversized payload is refused, not retried", e != nil && !e.Temporary(), err)
}

var batchingSummary string

// batching: concurrent Publish calls coalesce into PublishBatch calls; a lone one goes at once, alone.
func batching(ctx context.Context, v *vigil.Client) {
	before := v.Stats()
	r, err := v.Publish(ctx, "basic.batch", []byte("lone"), nil)
	after := v.Stats()
	check("an idle client's lone publish is one call of one message", err == nil && r.Routed == 1 &&
		after.PublishCalls-before.PublishCalls == 1 && after.PublishedMessages-before.PublishedMessages == 1, before, after, err)

	const goroutines, each = 32, 10
	before = v.Stats()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]bool{}
	var errs []error
	var badErr error
	start := make(chan struct{})
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			<-start
			for i := 0; i < each; i++ {
				topic := "basic.batch"
				if g == 7 && i == 5 {
					topic = "" // refused alone: only this Publish fails
				}
				r, err := v.Publish(ctx, topic, []byte(fmt.Sprintf("%d-%d", g, i)), nil)
				mu.Lock()
				if topic == "" {
					badErr = err
				} else if err != nil {
					errs = append(errs, err)
				} else {
					ids[r.MessageID] = true
				}
				mu.Unlock()
			}
		}(g)
	}
	close(start)
	wg.Wait()
	after = v.Stats()
	calls := after.PublishCalls - before.PublishCalls
	msgs := after.PublishedMessages - before.PublishedMessages
	check("concurrent publishes all succeed, each its own message", len(errs) == 0 && len(ids) == goroutines*each-1, errs, len(ids))
	e := asError(badErr)
	check("a message refused alone fails only its own publish", e != nil && e.Code == codes.InvalidArgument &&
		e.VigilCode == "VIGIL_ERR_REQUEST_INVALID_FIELD" && strings.HasPrefix(e.Message, "topic"), badErr)
	check("concurrent publishes coalesce into fewer calls", msgs == goroutines*each && calls < msgs/2, calls, msgs)
	batchingSummary = fmt.Sprintf("%d concurrent publishes in %d calls", msgs, calls)

	// Drain what was published, through SubscribeBatches, so basic starts empty for what follows.
	sub := v.Subscribe(ctx, "basic", &vigil.SubscribeOptions{Batches: true, MaxInFlight: 64, MaxBatch: 32})
	got := 0
	for got < goroutines*each {
		d, err := sub.Next()
		if err != nil {
			break
		}
		_ = d.Ack(ctx)
		got++
	}
	sub.Close()
	check("Subscribe with Batches delivers every message", got == goroutines*each, got)
}

// publishOnly is a RouterService from before PublishBatch: only Publish, the rest UNIMPLEMENTED.
type publishOnly struct {
	vigilv1.UnimplementedRouterServiceServer
	mu    sync.Mutex
	calls int
}

func (p *publishOnly) Publish(ctx context.Context, req *vigilv1.PublishRequest) (*vigilv1.PublishResponse, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	return &vigilv1.PublishResponse{MessageId: "old-" + req.IdempotencyKey, Routed: 1}, nil
}

// fallback: against a Vigil without PublishBatch the client publishes one Publish per message.
func fallback(ctx context.Context) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		check("listen for the old Vigil", false, err)
		return
	}
	old := &publishOnly{}
	srv := grpc.NewServer()
	vigilv1.RegisterRouterServiceServer(srv, old)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	v, _ := vigil.New(vigil.Options{Address: lis.Addr().String(), Logger: log.New(&syncBuffer{}, "", 0)})
	defer v.Close()
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := v.Publish(ctx, "basic.old", []byte("x"), nil)
			mu.Lock()
			if err == nil && r.MessageID == "old-"+r.IdempotencyKey {
				ok++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	old.mu.Lock()
	calls := old.calls
	old.mu.Unlock()
	check("against a Vigil without PublishBatch, every publish goes by Publish", ok == n && calls == n, ok, calls, v.Stats())
}

// subscribingBatches: the fields of a delivery through SubscribeBatches, and nack/redelivery.
func subscribingBatches(ctx context.Context, v *vigil.Client) {
	sent, err := v.Publish(ctx, "basic.sub", []byte("batched"), &vigil.PublishOptions{Attributes: map[string]string{"k": "b"}})
	check("publish for the batch subscriber", err == nil, err)
	sub := v.Subscribe(ctx, "basic", &vigil.SubscribeOptions{Batches: true})
	d, err := sub.Next()
	check("SubscribeBatches delivers what was published, with its fields", err == nil && d.MessageID == sent.MessageID &&
		string(d.Payload) == "batched" && d.Attributes["k"] == "b" && d.Attempt == 1 && d.IdempotencyKey == sent.IdempotencyKey, d, err)
	if err == nil {
		check("Nack through SubscribeBatches", d.Nack(ctx) == nil)
		again, err := sub.Next()
		check("a nacked batched delivery comes again", err == nil && again.MessageID == d.MessageID && again.Attempt == 2, again, err)
		if err == nil {
			check("Ack a batched delivery", again.Ack(ctx) == nil)
		}
	}
	sub.Close()
}

func subscribing(ctx context.Context, v *vigil.Client) {
	sent, err := v.Publish(ctx, "basic.sub", []byte(`{"n":1}`), &vigil.PublishOptions{
		ContentType: "application/json", Attributes: map[string]string{"k": "v"}, Priority: vigil.PriorityHigh,
	})
	check("publish for the subscriber", err == nil, err)
	sub := v.Subscribe(ctx, "basic", &vigil.SubscribeOptions{MaxInFlight: 4})
	d, err := sub.Next()
	check("Subscribe delivers what was published, with its fields", err == nil && d.MessageID == sent.MessageID &&
		d.Topic == "basic.sub" && string(d.Payload) == `{"n":1}` && d.ContentType == "application/json" &&
		d.Attributes["k"] == "v" && d.Priority == vigil.PriorityHigh && d.Attempt == 1 &&
		d.IdempotencyKey == sent.IdempotencyKey && !d.PublishedAt.IsZero(), d, err)
	if err != nil {
		return
	}
	check("Nack", d.Nack(ctx) == nil)
	again, err := sub.Next()
	check("a nacked delivery comes again, attempt 2", err == nil && again.MessageID == d.MessageID && again.Attempt == 2, again, err)
	if err == nil {
		check("Ack", again.Ack(ctx) == nil)
		check("a second Ack is ErrNotInFlight", errors.Is(again.Ack(ctx), vigil.ErrNotInFlight))
	}
	sub.Close()
	_, err = sub.Next()
	check("Next after Close is ErrClosed", errors.Is(err, vigil.ErrClosed), err)

	bad := v.Subscribe(ctx, "no-such-destination", nil)
	_, err = bad.Next()
	e := asError(err)
	check("an unknown destination ends the subscription with NOT_FOUND", e != nil && e.Code == codes.NotFound &&
		e.VigilCode == "VIGIL_ERR_ROUTER_UNKNOWN_DESTINATION", err)

	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = v.Subscribe(cctx, "basic", nil).Next()
	check("Next ends with its context", errors.Is(err, context.DeadlineExceeded), err)
}

func unreachable(ctx context.Context) {
	// Nothing listens on port 1: every attempt fails, and Publish gives up after its timeout.
	v, _ := vigil.New(vigil.Options{Address: "127.0.0.1:1", PublishTimeout: time.Second, CallTimeout: 300 * time.Millisecond,
		Logger: log.New(&syncBuffer{}, "", 0)})
	defer v.Close()
	start := time.Now()
	_, err := v.Publish(ctx, "orders.created", []byte("x"), nil)
	e := asError(err)
	took := time.Since(start)
	check("Publish to an unreachable Vigil gives up after its timeout", e != nil && e.Temporary() &&
		took >= 500*time.Millisecond && took < 3*time.Second && strings.Contains(e.Message, "not published within"), err, took)
	_, err = v.Beat(ctx, "go-beat", nil)
	e = asError(err)
	check("Beat to an unreachable Vigil fails, retryable", e != nil && e.Temporary(), err)
}

// restart: publishers and a subscriber run while the test kills Vigil and starts it again.
func restart(ctx context.Context, v *vigil.Client) {
	restarted := make(chan struct{})
	go func() {
		s := bufio.NewScanner(os.Stdin)
		for s.Scan() {
			if strings.TrimSpace(s.Text()) == "restarted" {
				close(restarted)
				return
			}
		}
	}()
	hb := v.Heartbeat("go-restart-heartbeat", 200*time.Millisecond, nil)
	defer hb.Stop()

	var mu sync.Mutex
	acked := map[int]vigil.PublishResult{}
	received := map[int]map[string]bool{} // payload number → message ids delivered for it
	notInFlight := 0
	sub := v.Subscribe(ctx, "consumers", &vigil.SubscribeOptions{MaxInFlight: 32})
	subDone := make(chan struct{})
	go func() {
		defer close(subDone)
		for {
			d, err := sub.Next()
			if err != nil {
				return
			}
			n, _ := strconv.Atoi(string(d.Payload))
			mu.Lock()
			if received[n] == nil {
				received[n] = map[string]bool{}
			}
			received[n][d.MessageID] = true
			mu.Unlock()
			if err := d.Ack(ctx); errors.Is(err, vigil.ErrNotInFlight) {
				mu.Lock()
				notInFlight++
				mu.Unlock()
			}
		}
	}()

	// Four publishers, each with its own numbers; keys are made by Publish.
	const workers = 4
	var after, next, failures int
	var pwg sync.WaitGroup
	stop := make(chan struct{})
	var once sync.Once
	for w := 0; w < workers; w++ {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				n := next
				next++
				mu.Unlock()
				r, err := v.Publish(ctx, "orders.created", []byte(strconv.Itoa(n)), nil)
				mu.Lock()
				if err != nil {
					failures++
					emit(map[string]interface{}{"event": "publish-failed", "n": n, "error": err.Error()})
				} else {
					acked[n] = r
					if len(acked)%25 == 0 {
						emit(map[string]interface{}{"event": "published", "acked": len(acked)})
					}
					select {
					case <-restarted:
						after++
						if after >= 100 {
							once.Do(func() { close(stop) })
						}
					default:
					}
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	select {
	case <-stop:
	case <-time.After(90 * time.Second):
		once.Do(func() { close(stop) })
		check("the test restarted Vigil in time", false)
	}
	pwg.Wait()

	mu.Lock()
	wanted := make(map[int]vigil.PublishResult, len(acked))
	for n, r := range acked {
		wanted[n] = r
	}
	mu.Unlock()
	allReceived := eventually(30*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for n, r := range wanted {
			if !received[n][r.MessageID] {
				return false
			}
		}
		return true
	})
	sub.Close()
	<-subDone

	mu.Lock()
	var missing []int
	var twice []string
	for n, r := range wanted {
		if !received[n][r.MessageID] {
			missing = append(missing, n)
		}
		if len(received[n]) > 1 {
			ids := make([]string, 0, len(received[n]))
			for id := range received[n] {
				ids = append(ids, id)
			}
			twice = append(twice, fmt.Sprintf("%d: acked %s (duplicate %v, key %s), delivered %v", n, r.MessageID, r.Duplicate, r.IdempotencyKey, ids))
		}
	}
	mu.Unlock()
	check("no acknowledged message lost across the restart", allReceived && len(missing) == 0, len(missing), " missing of ", len(wanted))
	check("a retried publish is never a second message", len(twice) == 0, twice)
	check("no publish failed: each waited for Vigil", failures == 0, failures)
	stats := v.Stats()
	check("publishes were retried during the restart", stats.PublishRetries > 0, stats)
	check("the subscriber opened its stream again", stats.Resubscribes > 0, stats)

	// Vigil keeps the keys across the restart: publishing an acknowledged one again is a duplicate.
	dups := 0
	for n, r := range wanted {
		if dups == 5 {
			break
		}
		again, err := v.Publish(ctx, "orders.created", []byte(strconv.Itoa(n)), &vigil.PublishOptions{IdempotencyKey: r.IdempotencyKey})
		check("a key from before the restart is a duplicate", err == nil && again.Duplicate && again.MessageID == r.MessageID, again, err)
		dups++
	}
	state, err := hb.Last()
	check("the heartbeat loop beats again after the restart", eventually(10*time.Second, func() bool {
		state, err = hb.Last()
		return err == nil && state == vigil.StateUp
	}), state, err)
	emit(map[string]interface{}{"summary": map[string]interface{}{
		"acked": len(wanted), "retries": stats.PublishRetries, "resubscribes": stats.Resubscribes,
		"not_in_flight_acks": notInFlight, "batching": batchingSummary,
	}})
}
