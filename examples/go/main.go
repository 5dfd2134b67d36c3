// A small Go bot beside Vigil: beats, records metrics, publishes orders and consumes them, with the
// Go client (clients/go, import path vigil/clients/go).
//
// examples/go/build.sh builds it offline with Debian's Go packages (GOPATH mode). Then:
//
//	VIGIL_ADDRESS=127.0.0.1:7070 ./vigil-go-bot [SECONDS]
//
// The Vigil it talks to routes `orders.>` to a subscriber destination named `consumers`
// (examples/bots.vigil.yaml). With SECONDS it stops after that long and prints a JSON summary.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	vigil "vigil/clients/go"
)

type summary struct {
	Language  string `json:"language"`
	Beats     int64  `json:"beats"`
	Published int64  `json:"published"`
	Consumed  int64  `json:"consumed"`
}

func main() {
	seconds := 1e9
	if len(os.Args) > 1 {
		if s, err := strconv.ParseFloat(os.Args[1], 64); err == nil {
			seconds = s
		}
	}
	// Address from VIGIL_ADDRESS (else 127.0.0.1:7070), token from VIGIL_TOKEN.
	v, err := vigil.New(vigil.Options{ClientID: "go-bot"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-bot:", err)
		os.Exit(1)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var beats, published, consumed int64

	// Consume: the subscription opens its stream again by itself when Vigil restarts.
	sub := v.Subscribe(ctx, "consumers", nil)
	go func() {
		for {
			d, err := sub.Next()
			if err != nil {
				return
			}
			if d.Ack(ctx) == nil {
				atomic.AddInt64(&consumed, 1)
			}
			v.Counter("bot.orders.consumed", 1, map[string]string{"language": "go"})
		}
	}()

	start := time.Now()
	for n := 0; time.Since(start).Seconds() < seconds; n++ {
		tick := time.Now()
		if _, err := v.Beat(ctx, "go-worker", &vigil.BeatOptions{Message: fmt.Sprintf("tick %d", n), Interval: 5 * time.Second}); err == nil {
			atomic.AddInt64(&beats, 1)
		}
		payload, _ := json.Marshal(map[string]interface{}{"id": n, "at": time.Now().Format(time.RFC3339Nano)})
		priority := vigil.PriorityNormal
		if n%10 == 0 {
			priority = vigil.PriorityHigh
		}
		// Publish returns once the order is on Vigil's disk; retries (Vigil restarting) reuse one
		// idempotency key, so an order is never published twice.
		if r, err := v.Publish(ctx, "orders.created", payload, &vigil.PublishOptions{ContentType: "application/json", Priority: priority}); err == nil && r.Routed > 0 {
			atomic.AddInt64(&published, 1)
		}
		v.Histogram("bot.tick.duration", time.Since(tick).Seconds(), map[string]string{"language": "go"}, vigil.Unit("s"))
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(time.Second) // let the last deliveries arrive
	sub.Close()
	v.Close() // sends the buffered metric points
	out, _ := json.Marshal(summary{
		Language:  "go",
		Beats:     atomic.LoadInt64(&beats),
		Published: atomic.LoadInt64(&published),
		Consumed:  atomic.LoadInt64(&consumed),
	})
	fmt.Println(string(out))
}
