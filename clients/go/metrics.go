package vigil

import (
	"context"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

	"vigil/clients/go/vigilv1"
)

// maxBatch is the most points one Record call carries, and the buffer size that sends at once.
const maxBatch = 500

// Different rejection reasons logged at most; beyond, the rest are counted only.
const maxLoggedReasons = 64

// MetricOption sets a metric point's optional fields.
type MetricOption func(*vigilv1.MetricPoint)

// Unit is the instrument's unit ("s", "ms", "By", …); Vigil picks histogram buckets by it.
func Unit(unit string) MetricOption { return func(p *vigilv1.MetricPoint) { p.Unit = unit } }

// Description is the instrument's description.
func Description(d string) MetricOption { return func(p *vigilv1.MetricPoint) { p.Description = d } }

// Counter adds value (≥ 0) to a monotonic sum. Like every metric method it only buffers the point:
// points are sent every FlushInterval or at 500, and by Flush and Close.
func (c *Client) Counter(name string, value float64, attributes map[string]string, opts ...MetricOption) {
	c.record(name, vigilv1.MetricKind_METRIC_KIND_COUNTER, value, attributes, opts)
}

// UpDownCounter adds value (either sign) to a sum.
func (c *Client) UpDownCounter(name string, value float64, attributes map[string]string, opts ...MetricOption) {
	c.record(name, vigilv1.MetricKind_METRIC_KIND_UP_DOWN_COUNTER, value, attributes, opts)
}

// Gauge sets the current value.
func (c *Client) Gauge(name string, value float64, attributes map[string]string, opts ...MetricOption) {
	c.record(name, vigilv1.MetricKind_METRIC_KIND_GAUGE, value, attributes, opts)
}

// Histogram records one observation.
func (c *Client) Histogram(name string, value float64, attributes map[string]string, opts ...MetricOption) {
	c.record(name, vigilv1.MetricKind_METRIC_KIND_HISTOGRAM, value, attributes, opts)
}

func (c *Client) record(name string, kind vigilv1.MetricKind, value float64, attributes map[string]string, opts []MetricOption) {
	p := &vigilv1.MetricPoint{Name: name, Kind: kind, Value: value, Attributes: copyMap(attributes)}
	for _, o := range opts {
		o(p)
	}
	dropped, full := c.points.push(p)
	if dropped > 0 {
		c.mu.Lock()
		c.stats.DroppedPoints += uint64(dropped)
		c.mu.Unlock()
	}
	if full {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

func (c *Client) flushLoop() {
	defer c.flusher.Done()
	t := time.NewTicker(c.opts.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		case <-c.kick:
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.CallTimeout)
		// An error here is Vigil being away: the points stay buffered for the next round.
		_ = c.Flush(ctx)
		cancel()
	}
}

// Flush sends the buffered metric points now, in batches of 500. Points Vigil rejects one by one are
// logged once per reason and counted (Stats.RejectedPoints); when Vigil cannot be reached the batch
// goes back to the buffer and Flush returns the error.
func (c *Client) Flush(ctx context.Context) error {
	c.points.sending.Lock()
	defer c.points.sending.Unlock()
	for {
		batch := c.points.take(maxBatch)
		if len(batch) == 0 {
			return nil
		}
		actx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
		r, err := c.metrics.Record(actx, &vigilv1.RecordRequest{Points: batch})
		cancel()
		if err != nil {
			e := wrap(ctx, err)
			if ve, ok := e.(*Error); ok && ctx.Err() == nil && permanent(ve) {
				// Refused as a whole (a bad token, a request too large): sending it again cannot pass.
				c.mu.Lock()
				c.stats.DroppedPoints += uint64(len(batch))
				c.mu.Unlock()
				c.logReason(ve.VigilCode+ve.Code.String(), fmt.Sprintf("%d metric points dropped: %v", len(batch), ve))
				return e
			}
			if dropped := c.points.putBack(batch); dropped > 0 {
				c.mu.Lock()
				c.stats.DroppedPoints += uint64(dropped)
				c.mu.Unlock()
			}
			return e
		}
		if len(r.Rejected) > 0 {
			c.mu.Lock()
			c.stats.RejectedPoints += uint64(len(r.Rejected))
			c.mu.Unlock()
			for _, rej := range r.Rejected {
				name := ""
				if rej.Index < uint64(len(batch)) {
					name = batch[rej.Index].Name
				}
				key := rej.Code
				if key == "" {
					key = rej.Reason
				}
				c.logReason(key, fmt.Sprintf("metric point %q rejected: %s: %s (logged once per reason)", name, rej.Code, rej.Reason))
			}
		}
	}
}

// permanent: Vigil refused the request itself, so the same points would be refused again.
func permanent(e *Error) bool {
	if e.Temporary() {
		return false
	}
	switch e.Code {
	case codes.InvalidArgument, codes.Unauthenticated, codes.PermissionDenied, codes.ResourceExhausted,
		codes.FailedPrecondition, codes.Unimplemented, codes.OutOfRange:
		return true
	}
	return false
}

// logReason logs msg the first time key is seen.
func (c *Client) logReason(key, msg string) {
	c.points.mu.Lock()
	_, seen := c.points.logged[key]
	if !seen && len(c.points.logged) < maxLoggedReasons {
		c.points.logged[key] = struct{}{}
	} else {
		seen = true
	}
	c.points.mu.Unlock()
	if !seen {
		c.log.Print(msg)
	}
}

// pointBuffer holds points until they are sent: bounded, the oldest dropped first.
type pointBuffer struct {
	mu      sync.Mutex
	points  []*vigilv1.MetricPoint
	max     int
	logged  map[string]struct{}
	sending sync.Mutex // one Flush at a time, so batches leave in order
}

func (b *pointBuffer) init(max int) {
	b.max = max
	b.logged = map[string]struct{}{}
}

func (b *pointBuffer) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.points)
}

// push appends p; returns how many old points were dropped, and whether a batch is ready.
func (b *pointBuffer) push(p *vigilv1.MetricPoint) (int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	dropped := 0
	if len(b.points) >= b.max {
		dropped = len(b.points) - b.max + 1
		b.points = append(b.points[:0], b.points[dropped:]...)
	}
	b.points = append(b.points, p)
	return dropped, len(b.points) >= maxBatch
}

func (b *pointBuffer) take(n int) []*vigilv1.MetricPoint {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > len(b.points) {
		n = len(b.points)
	}
	batch := make([]*vigilv1.MetricPoint, n)
	copy(batch, b.points[:n])
	b.points = append(b.points[:0], b.points[n:]...)
	return batch
}

// putBack returns an unsent batch to the front; returns how many oldest points no longer fit.
func (b *pointBuffer) putBack(batch []*vigilv1.MetricPoint) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	all := append(batch, b.points...)
	dropped := 0
	if len(all) > b.max {
		dropped = len(all) - b.max
		all = all[dropped:]
	}
	b.points = all
	return dropped
}
