// A small Go bot beside Vigil: beats, records metrics, publishes orders and consumes them.
//
// Stubs come from Vigil's proto files; examples/go/build.sh makes them and builds the bot offline with
// Debian's Go packages (GOPATH mode). Then:
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
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/durationpb"

	vigil "vigil/v1"
)

type summary struct {
	Language  string `json:"language"`
	Beats     int64  `json:"beats"`
	Published int64  `json:"published"`
	Consumed  int64  `json:"consumed"`
}

func main() {
	address := os.Getenv("VIGIL_ADDRESS")
	if address == "" {
		address = "127.0.0.1:7070"
	}
	seconds := 1e9
	if len(os.Args) > 1 {
		if s, err := strconv.ParseFloat(os.Args[1], 64); err == nil {
			seconds = s
		}
	}
	dial, cancelDial := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancelDial()
	conn, err := grpc.DialContext(dial, address, grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-bot: cannot reach Vigil:", err)
		os.Exit(1)
	}
	defer conn.Close()
	ctx, stop := context.WithCancel(metadata.AppendToOutgoingContext(context.Background(), "vigil-client", "go-bot"))
	defer stop()
	heartbeat := vigil.NewHeartbeatServiceClient(conn)
	metrics := vigil.NewMetricsServiceClient(conn)
	router := vigil.NewRouterServiceClient(conn)
	s := summary{Language: "go"}

	// Consume: subscribe and ack; the stream is opened again when it ends (Vigil restarting).
	go func() {
		for ctx.Err() == nil {
			stream, err := router.Subscribe(ctx, &vigil.SubscribeRequest{Destination: "consumers", MaxInFlight: 16}, grpc.WaitForReady(true))
			if err != nil {
				time.Sleep(500 * time.Millisecond)
				continue
			}
			for {
				d, err := stream.Recv()
				if err == io.EOF || err != nil {
					break
				}
				atomic.AddInt64(&s.Consumed, 1)
				router.Ack(ctx, &vigil.AckRequest{Destination: "consumers", MessageIds: []string{d.MessageId}})
				metrics.Record(ctx, &vigil.RecordRequest{Points: []*vigil.MetricPoint{{
					Name: "bot.orders.consumed", Kind: vigil.MetricKind_METRIC_KIND_COUNTER, Value: 1,
					Attributes: map[string]string{"language": "go"},
				}}})
			}
		}
	}()

	start := time.Now()
	for n := 0; time.Since(start).Seconds() < seconds; n++ {
		tick := time.Now()
		_, err := heartbeat.Beat(ctx, &vigil.BeatRequest{
			Component: "go-worker", Message: fmt.Sprintf("tick %d", n), Interval: durationpb.New(5 * time.Second),
		}, grpc.WaitForReady(true))
		if err == nil {
			atomic.AddInt64(&s.Beats, 1)
		}
		payload, _ := json.Marshal(map[string]interface{}{"id": n, "at": time.Now().Format(time.RFC3339Nano)})
		priority := vigil.Priority_PRIORITY_NORMAL
		if n%10 == 0 {
			priority = vigil.Priority_PRIORITY_HIGH
		}
		r, err := router.Publish(ctx, &vigil.PublishRequest{
			Topic: "orders.created", Payload: payload, ContentType: "application/json", Priority: priority,
			// A retry of the same order is answered duplicate.
			IdempotencyKey: fmt.Sprintf("go-bot-%d-%d", os.Getpid(), n),
		}, grpc.WaitForReady(true))
		if err == nil && r.Routed > 0 {
			atomic.AddInt64(&s.Published, 1)
		}
		metrics.Record(ctx, &vigil.RecordRequest{Points: []*vigil.MetricPoint{{
			Name: "bot.tick.duration", Kind: vigil.MetricKind_METRIC_KIND_HISTOGRAM, Unit: "s",
			Value: time.Since(tick).Seconds(), Attributes: map[string]string{"language": "go"},
		}}})
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(time.Second) // let the last deliveries arrive
	stop()
	out, _ := json.Marshal(summary{
		Language:  s.Language,
		Beats:     atomic.LoadInt64(&s.Beats),
		Published: atomic.LoadInt64(&s.Published),
		Consumed:  atomic.LoadInt64(&s.Consumed),
	})
	fmt.Println(string(out))
}
