package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The HTTP bench drives a server as its clients do: posters send messages
// over keep-alive connections, subscribers hold event streams, and each
// message carries the time it was sent so that every subscriber measures
// how long it took to reach it.

// httpConfig is what one HTTP bench run does.
type httpConfig struct {
	parties, posters, subscribers int
	// messages bounds the run unless duration is set.
	messages int
	duration time.Duration
	// interval is how often a row of figures is kept (0: none).
	interval time.Duration
	// rate caps the posts per second of all posters together (0: none).
	rate float64
	// size is the length of each message's text, in bytes.
	size int
	// catchup is how many extra clients replay the whole log while the
	// run goes on; slow how many subscribers stop reading.
	catchup, slow int
	// history is how many messages to post before measuring, for the
	// catch-up clients to replay.
	history    int
	profileDir string
}

// httpBench is one run against one server.
type httpBench struct {
	cfg   httpConfig
	api   *apiClient
	dbg   *debugClient
	talks *benchTalks

	post, deliver histogram
	sent, acked   atomic.Int64
	ackedRoom     []atomic.Int64
	delivered     atomic.Int64
	// subsMed counts mediator subscribers (they see every caucus),
	// subsParty[i] subscribers of party i.
	subsMed   int
	subsParty []int
	errMu     sync.Mutex
	errs      map[string]int
	// catchUps holds how long each catch-up client took to reach the
	// present, and how many events it read.
	catchUpMu     sync.Mutex
	catchUps      []time.Duration
	catchUpEvents int64
}

// intervalRow holds the figures of one interval of a run.
type intervalRow struct {
	End          float64 `json:"end_s"`
	Acked        float64 `json:"acked_per_s"`
	PostP50      float64 `json:"post_p50_ms"`
	PostP99      float64 `json:"post_p99_ms"`
	PostP999     float64 `json:"post_p999_ms"`
	DeliveryP50  float64 `json:"delivery_p50_ms"`
	DeliveryP99  float64 `json:"delivery_p99_ms"`
	ServerCores  float64 `json:"server_cores"`
	RSSBytes     int64   `json:"rss_bytes"`
	HeapBytes    uint64  `json:"heap_bytes"`
	Goroutines   int     `json:"goroutines"`
	OpenFiles    int     `json:"open_files"`
	LoadAverage1 float64 `json:"load_average"`
}

// httpResult is what an HTTP run measured.
type httpResult struct {
	Elapsed      float64        `json:"elapsed_s"`
	Acked        int64          `json:"acked"`
	AckedPerSec  float64        `json:"acked_per_s"`
	Errors       map[string]int `json:"errors"`
	PostP50      float64        `json:"post_p50_ms"`
	PostP99      float64        `json:"post_p99_ms"`
	PostP999     float64        `json:"post_p999_ms"`
	DeliveryP50  float64        `json:"delivery_p50_ms"`
	DeliveryP99  float64        `json:"delivery_p99_ms"`
	Delivered    int64          `json:"delivered"`
	Expected     int64          `json:"expected_deliveries"`
	ServerCores  float64        `json:"server_cores"`
	ClientCores  float64        `json:"client_cores"`
	PeakRSS      int64          `json:"peak_rss_bytes"`
	PeakHeap     uint64         `json:"peak_heap_bytes"`
	PeakRoutines int            `json:"peak_goroutines"`
	End          procStats      `json:"server_end"`
	// Idle is what the subscribers cost the server before any message.
	Idle *idleCost `json:"idle_streams,omitempty"`
	// CatchUp is what the catch-up clients took to replay the log.
	CatchUp   *catchUpResult `json:"catch_up,omitempty"`
	Intervals []intervalRow  `json:"intervals,omitempty"`
	// Soak compares the last interval with the first ones.
	Soak *soakResult `json:"soak,omitempty"`
}

// catchUpResult says how long clients replaying the whole log took to
// reach the present.
type catchUpResult struct {
	Clients  int     `json:"clients"`
	Caught   int     `json:"caught_up"`
	Events   int64   `json:"events_read"`
	MeanSecs float64 `json:"mean_s"`
	MaxSecs  float64 `json:"max_s"`
}

// idleCost is what holding the subscribers' streams costs the server,
// from two readings after a forced collection: before the streams
// connect and once they are all open and idle. The Go memory (heap and
// stacks) per stream is the robust figure; RSS also moves with what the
// runtime keeps from the system, so its difference is only meaningful
// with many streams (and is counted as 0 when it shrank).
type idleCost struct {
	Streams     int     `json:"streams"`
	ConnectSecs float64 `json:"connect_s"`
	GoPer       float64 `json:"go_bytes_per_stream"`
	HeapPer     float64 `json:"heap_bytes_per_stream"`
	StackPer    float64 `json:"stack_bytes_per_stream"`
	RSSPer      float64 `json:"rss_bytes_per_stream"`
	RSSGrowth   int64   `json:"rss_growth_bytes"`
	RoutinesPer float64 `json:"goroutines_per_stream"`
}

// idle computes what n open streams cost between two readings.
func idle(before, after procStats, n int, connect time.Duration) *idleCost {
	if n == 0 {
		return nil
	}
	f := float64(n)
	c := &idleCost{Streams: n, ConnectSecs: connect.Seconds(),
		HeapPer:     (float64(after.HeapBytes) - float64(before.HeapBytes)) / f,
		StackPer:    (float64(after.StackBytes) - float64(before.StackBytes)) / f,
		RSSGrowth:   after.RSSBytes - before.RSSBytes,
		RoutinesPer: float64(after.Goroutines-before.Goroutines) / f}
	c.GoPer = c.HeapPer + c.StackPer
	c.RSSPer = float64(max(c.RSSGrowth, 0)) / f
	return c
}

func (b *httpBench) fail(kind string) {
	b.errMu.Lock()
	b.errs[kind]++
	b.errMu.Unlock()
}

// run measures: it connects the subscribers, then posts until the run is
// over, then waits for the deliveries to arrive.
func (b *httpBench) run(ctx context.Context, progress io.Writer) (*httpResult, error) {
	b.errs = map[string]int{}
	b.ackedRoom = make([]atomic.Int64, len(b.talks.Rooms))
	b.subsParty = make([]int, len(b.talks.Rooms))
	res := &httpResult{}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	if b.cfg.history > 0 {
		if err := b.preload(ctx, b.cfg.history); err != nil {
			return nil, err
		}
	}
	before, _ := b.dbg.stats(ctx, true)
	subs, connectTime, err := b.subscribe(ctx)
	defer func() {
		for _, s := range subs {
			s.conn.Close()
		}
	}()
	if err != nil {
		return nil, err
	}
	if b.cfg.subscribers > 0 && b.dbg != nil {
		// Let the connections settle (each stream's first write), then
		// read what is live.
		time.Sleep(time.Second)
		if after, err := b.dbg.stats(ctx, true); err == nil {
			res.Idle = idle(before, after, len(subs), connectTime)
		}
	}

	startStats, _ := b.dbg.stats(ctx, false)
	clientStart := readProcStats()
	start := time.Now()
	var stop atomic.Bool
	var wg sync.WaitGroup
	pc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: b.cfg.posters + 1, DisableCompression: true}}
	defer pc.CloseIdleConnections()
	for p := range b.cfg.posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.poster(ctx, pc, p, start, &stop)
		}()
	}
	catchups := b.catchUp(ctx, &stop)
	if b.cfg.profileDir != "" && b.dbg != nil {
		go func() {
			d := b.cfg.duration
			if d == 0 {
				d = 10 * time.Second
			}
			if err := b.dbg.profile(ctx, b.cfg.profileDir, min(d*8/10, 30*time.Second)); err != nil && ctx.Err() == nil {
				fmt.Fprintf(progress, "profile: %v\n", err)
			}
		}()
	}

	// Sample every second: the progress line, peaks, interval rows.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var lastPost, lastDeliver = b.post.snapshot(), b.deliver.snapshot()
	lastStats, lastAt, lastAcked := startStats, start, int64(0)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tty := isTerminal(progress)
	for running := true; running; {
		select {
		case <-done:
			running = false
		case <-ctx.Done():
			return nil, ctx.Err()
		case now := <-tick.C:
			elapsed := now.Sub(start)
			if b.cfg.duration > 0 && elapsed >= b.cfg.duration {
				stop.Store(true)
			}
			st, _ := b.dbg.stats(ctx, false)
			res.PeakRSS, res.PeakHeap, res.PeakRoutines = max(res.PeakRSS, st.RSSBytes), max(res.PeakHeap, st.HeapBytes), max(res.PeakRoutines, st.Goroutines)
			ps, ds := b.post.snapshot(), b.deliver.snapshot()
			line := fmt.Sprintf("%6.0f s  acked %d (%.0f/s)  post p99 %.1f ms  delivery p99 %.1f ms  server RSS %s, %d goroutines",
				elapsed.Seconds(), b.acked.Load(), float64(b.acked.Load())/elapsed.Seconds(), ps.quantile(0.99), ds.quantile(0.99), mib(st.RSSBytes), st.Goroutines)
			if tty {
				fmt.Fprintf(progress, "\r%-120s", line)
			} else if int(elapsed.Seconds())%10 == 0 {
				fmt.Fprintln(progress, line)
			}
			if b.cfg.interval > 0 && now.Sub(lastAt) >= b.cfg.interval-time.Second/2 {
				pi, di := ps.since(lastPost), ds.since(lastDeliver)
				acked := b.acked.Load()
				res.Intervals = append(res.Intervals, intervalRow{End: elapsed.Seconds(), Acked: float64(acked-lastAcked) / now.Sub(lastAt).Seconds(),
					PostP50: pi.quantile(0.5), PostP99: pi.quantile(0.99), PostP999: pi.quantile(0.999), DeliveryP50: di.quantile(0.5), DeliveryP99: di.quantile(0.99),
					ServerCores: (st.CPUSeconds - lastStats.CPUSeconds) / now.Sub(lastAt).Seconds(), RSSBytes: st.RSSBytes, HeapBytes: st.HeapBytes,
					Goroutines: st.Goroutines, OpenFiles: st.OpenFiles, LoadAverage1: loadAverage()})
				lastPost, lastDeliver, lastStats, lastAt, lastAcked = ps, ds, st, now, acked
			}
		}
	}
	end := time.Now()
	endStats, _ := b.dbg.stats(ctx, false)
	clientEnd := readProcStats()
	if tty {
		fmt.Fprintln(progress)
	}
	catchups.Wait()

	// Every acknowledged message should reach every subscriber that may
	// see it: wait for the last ones (at most 10 s without progress).
	for i := range b.ackedRoom {
		res.Expected += b.ackedRoom[i].Load() * int64(b.subsMed+b.subsParty[i]-b.slowIn(i))
	}
	for last, quiet := b.delivered.Load(), time.Now(); b.delivered.Load() < res.Expected && time.Since(quiet) < 10*time.Second; {
		time.Sleep(50 * time.Millisecond)
		if n := b.delivered.Load(); n != last {
			last, quiet = n, time.Now()
		}
	}

	res.Elapsed = end.Sub(start).Seconds()
	res.Acked = b.acked.Load()
	res.AckedPerSec = float64(res.Acked) / res.Elapsed
	res.Errors = b.errs
	ps, ds := b.post.snapshot(), b.deliver.snapshot()
	res.PostP50, res.PostP99, res.PostP999 = ps.quantile(0.5), ps.quantile(0.99), ps.quantile(0.999)
	res.DeliveryP50, res.DeliveryP99 = ds.quantile(0.5), ds.quantile(0.99)
	res.Delivered = b.delivered.Load()
	res.ServerCores = (endStats.CPUSeconds - startStats.CPUSeconds) / res.Elapsed
	res.ClientCores = (clientEnd.CPUSeconds - clientStart.CPUSeconds) / res.Elapsed
	res.End = endStats
	res.Soak = soak(res.Intervals)
	if b.cfg.catchup > 0 {
		c := &catchUpResult{Clients: b.cfg.catchup, Caught: len(b.catchUps), Events: b.catchUpEvents}
		var sum time.Duration
		for _, d := range b.catchUps {
			sum += d
			c.MaxSecs = max(c.MaxSecs, d.Seconds())
		}
		if len(b.catchUps) > 0 {
			c.MeanSecs = sum.Seconds() / float64(len(b.catchUps))
		}
		res.CatchUp = c
	}
	return res, nil
}

// preload posts n messages from the posters, unmeasured, for catch-up
// clients to replay; they carry no bench marker.
func (b *httpBench) preload(ctx context.Context, n int) error {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: b.cfg.posters + 1}}
	defer hc.CloseIdleConnections()
	var next atomic.Int64
	var errs onceErr
	var wg sync.WaitGroup
	text := strings.Repeat("h", b.cfg.size)
	for p := range max(b.cfg.posters, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			room := p % len(b.talks.Rooms)
			u := b.api.base + "/api/v1/talks/" + b.talks.ID + "/rooms/" + url.PathEscape(b.talks.Rooms[room]) + "/messages"
			for next.Add(1) <= int64(n) && errs.get() == nil {
				if _, err := b.api.call(ctx, b.talks.Parties[room], "POST", strings.TrimPrefix(u, b.api.base), map[string]string{"text": text}, nil); err != nil {
					errs.set(err)
				}
			}
		}()
	}
	wg.Wait()
	return errs.get()
}

// slowIn returns how many of party i's subscribers (or mediator ones, for
// which i is -1) were made slow; they are not waited for. Slow subscribers
// are the first ones, all mediators.
func (b *httpBench) slowIn(i int) int { return min(b.cfg.slow, b.subsMed) }

// poster sends messages until the run is over.
func (b *httpBench) poster(ctx context.Context, hc *http.Client, p int, start time.Time, stop *atomic.Bool) {
	room := p % len(b.talks.Rooms)
	tok := b.talks.Parties[room]
	u := b.api.base + "/api/v1/talks/" + b.talks.ID + "/rooms/" + url.PathEscape(b.talks.Rooms[room]) + "/messages"
	pad := bytes.Repeat([]byte("w"), max(b.cfg.size-40, 0))
	var body bytes.Buffer
	for i := 0; !stop.Load() && ctx.Err() == nil; i++ {
		n := b.sent.Add(1)
		if b.cfg.duration == 0 && n > int64(b.cfg.messages) {
			return
		}
		if b.cfg.rate > 0 {
			due := start.Add(time.Duration(float64(n-1) / b.cfg.rate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
		}
		sentAt := time.Now()
		body.Reset()
		fmt.Fprintf(&body, `{"text":"bench %d %d-%d %s"}`, sentAt.UnixNano(), p, i, pad)
		req, _ := http.NewRequestWithContext(ctx, "POST", u, bytes.NewReader(body.Bytes()))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := hc.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				b.fail("connection: " + err.Error())
				time.Sleep(100 * time.Millisecond)
			}
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.fail(strconv.Itoa(resp.StatusCode))
			if resp.StatusCode >= 500 || resp.StatusCode == 429 {
				time.Sleep(100 * time.Millisecond)
			}
			continue
		}
		b.post.add(time.Since(sentAt))
		b.acked.Add(1)
		b.ackedRoom[room].Add(1)
	}
}

// subscriber is one open event stream.
type subscriber struct {
	conn net.Conn
	// room is the party whose head subscribes, -1 for the mediator.
	room int
}

// subscribe opens the subscribers' streams, 64 at a time, and starts
// reading them. Subscriber k is the mediator when k is a multiple of
// parties+1, and otherwise the head of party k mod (parties+1) - 1.
func (b *httpBench) subscribe(ctx context.Context) ([]*subscriber, time.Duration, error) {
	start := time.Now()
	subs := make([]*subscriber, b.cfg.subscribers)
	sem := make(chan struct{}, 64)
	var errs onceErr
	var wg sync.WaitGroup
	for k := range subs {
		room := k%(len(b.talks.Rooms)+1) - 1
		if room < 0 {
			b.subsMed++
		} else {
			b.subsParty[room]++
		}
		slow := room < 0 && b.subsMed <= b.cfg.slow
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			s, br, err := b.openStream(ctx, room, "")
			if err != nil {
				errs.set(err)
				return
			}
			subs[k] = s
			go b.read(br, slow)
		}()
	}
	wg.Wait()
	var out []*subscriber
	for _, s := range subs {
		if s != nil {
			out = append(out, s)
		}
	}
	return out, time.Since(start), errs.get()
}

// openStream connects one event stream as the mediator (room -1) or the
// head of party room, with query added to the path, and returns once the
// server has answered. The request is written by hand, and the answer read
// with no goroutine of the HTTP client's: a stream costs the bench one
// goroutine.
func (b *httpBench) openStream(ctx context.Context, room int, query string) (*subscriber, *bufio.Reader, error) {
	tok := b.talks.Mediator
	if room >= 0 {
		tok = b.talks.Parties[room]
	}
	u, err := url.Parse(b.api.base)
	if err != nil {
		return nil, nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, nil, err
	}
	path := "/api/v1/events?talks=" + url.QueryEscape(b.talks.ID) + query
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n", path, u.Host, tok)
	br := bufio.NewReaderSize(conn, 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	if resp.StatusCode != 200 {
		conn.Close()
		return nil, nil, fmt.Errorf("event stream: %s", resp.Status)
	}
	return &subscriber{conn: conn, room: room}, bufio.NewReaderSize(resp.Body, 4096), nil
}

var benchMarker = []byte(`"text":"bench `)

// read counts the bench's messages on a stream and how long each took to
// arrive. A slow subscriber stops reading for good after its first event.
func (b *httpBench) read(br *bufio.Reader, slow bool) {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
		if !bytes.HasPrefix(line, []byte("data: ")) {
			continue
		}
		i := bytes.Index(line, benchMarker)
		if i < 0 {
			continue
		}
		rest := line[i+len(benchMarker):]
		j := bytes.IndexByte(rest, ' ')
		if j < 0 {
			continue
		}
		ns, err := strconv.ParseInt(string(rest[:j]), 10, 64)
		if err != nil {
			continue
		}
		if slow {
			select {} // never reads again: the server must not wait for it
		}
		b.deliver.add(time.Since(time.Unix(0, ns)))
		b.delivered.Add(1)
	}
}

// catchUp starts the catch-up clients: each replays the whole log from
// the start, as a client back after a long absence, and ends when it has
// read up to where the log stood when it connected. The returned group
// is done when all have.
func (b *httpBench) catchUp(ctx context.Context, stop *atomic.Bool) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range b.cfg.catchup {
		wg.Add(1)
		go func() {
			defer wg.Done()
			connected := time.Now()
			s, br, err := b.openStream(ctx, -1, "&from=0")
			if err != nil {
				b.fail("catch-up: " + err.Error())
				return
			}
			defer s.conn.Close()
			var events int64
			caught := false
			for !stop.Load() {
				s.conn.SetReadDeadline(time.Now().Add(time.Second))
				line, err := br.ReadSlice('\n')
				if err != nil && err != bufio.ErrBufferFull {
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						continue
					}
					return
				}
				if caught {
					continue
				}
				if bytes.HasPrefix(line, []byte("id: ")) {
					events++
				}
				// Caught up at the first message posted after it connected.
				if i := bytes.Index(line, benchMarker); i >= 0 {
					rest := line[i+len(benchMarker):]
					if j := bytes.IndexByte(rest, ' '); j > 0 {
						if ns, err := strconv.ParseInt(string(rest[:j]), 10, 64); err == nil && ns >= connected.UnixNano() {
							caught = true
							b.catchUpMu.Lock()
							b.catchUps = append(b.catchUps, time.Since(connected))
							b.catchUpEvents += events
							b.catchUpMu.Unlock()
						}
					}
				}
			}
		}()
	}
	return &wg
}

// isTerminal reports whether w is a terminal, for a progress line that
// rewrites itself.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// mib formats bytes in MiB.
func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// sortedErrors lists error kinds with their counts.
func sortedErrors(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(out)
	return out
}
