package talks_test

import (
	"fmt"
	"iter"
	"testing"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

// seqs returns the seqs of events.
func seqs(evs []*parley.Event) []int64 {
	var out []int64
	for _, e := range evs {
		out = append(out, e.Seq)
	}
	return out
}

// TestBusOrder: events published out of order (committers of one group
// commit return together) are handed out in seq order; one that never
// comes (appended by another process) is given up after a while, and a
// reader is told to read it from the store.
func TestBusOrder(t *testing.T) {
	b := talks.NewBus()
	ev := func(seq int64) []parley.Event { return []parley.Event{{Seq: seq}} }
	b.Publish(ev(1))
	changed := b.Changed()
	b.Publish(ev(3))
	if evs, ok := b.Since(1); len(evs) != 0 || !ok {
		t.Fatalf("3 was handed out before 2: %v %v", seqs(evs), ok)
	}
	select {
	case <-changed:
		t.Fatal("readers woken for an event that must wait")
	default:
	}
	b.Publish(ev(2))
	<-changed
	if evs, ok := b.Since(0); fmt.Sprint(seqs(evs)) != "[1 2 3]" || !ok {
		t.Fatalf("after 2: %v %v", seqs(evs), ok)
	}
	b.Publish(ev(5)) // 4 never comes
	time.Sleep(3 * talks.GapWait)
	if evs, ok := b.Since(3); ok {
		t.Fatalf("a reader after 3 was not told that 4 is missing: %v", seqs(evs))
	}
	if evs, ok := b.Since(4); fmt.Sprint(seqs(evs)) != "[5]" || !ok {
		t.Fatalf("after the gap: %v %v", seqs(evs), ok)
	}
	b.Publish(ev(4)) // too late: already given up
	if evs, _ := b.Since(4); fmt.Sprint(seqs(evs)) != "[5]" {
		t.Fatalf("a late event changed what follows the gap: %v", seqs(evs))
	}
}

// TestSlowStreamHoldsBackNobody: a stream whose reader stops reading
// delays no other stream; when it reads again, long after the bus dropped
// what it missed, it gets every event once, in order, from the store.
func TestSlowStreamHoldsBackNobody(t *testing.T) {
	e := fixture.New(t)
	svc := talks.New(e.Store, talks.NewSmallBus(16))
	start, err := svc.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	open := func() (func() (talks.Delivery, error, bool), func()) {
		return iter.Pull2(svc.Stream(ctx, e.U("qatar"), talks.StreamOptions{After: start}))
	}
	slow, stopSlow := open()
	defer stopSlow()
	fast, stopFast := open()
	defer stopFast()
	postN := func(n int) {
		for i := range n {
			if _, err := svc.Post(ctx, e.U("qatar"), e.TalksID, parley.RoomMediators, talks.NewMessage{Text: fmt.Sprint(i), Disclosure: parley.MediatorOnly}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Both streams are live; the slow one takes one event and then
	// stops reading.
	postN(1)
	if d, err, ok := slow(); !ok || err != nil || d.Seq != start+1 {
		t.Fatalf("slow stream, first event: %d %v %v", d.Seq, ok, err)
	}
	if d, err, ok := fast(); !ok || err != nil || d.Seq != start+1 {
		t.Fatalf("fast stream, first event: %d %v %v", d.Seq, ok, err)
	}
	start++
	const n = 100
	got := make(chan int64, n)
	go func() {
		for range n {
			d, err, ok := fast()
			if !ok || err != nil {
				close(got)
				return
			}
			got <- d.Seq
		}
	}()
	postN(n)
	timeout := time.After(20 * time.Second)
	for i := range n {
		select {
		case seq, ok := <-got:
			if !ok || seq != start+int64(i)+1 {
				t.Fatalf("fast stream: event %d is %d (%v)", i, seq, ok)
			}
		case <-timeout:
			t.Fatalf("the fast stream got %d of %d events while another stream did not read", i, n)
		}
	}
	for i := range n {
		d, err, ok := slow()
		if !ok || err != nil || d.Seq != start+int64(i)+1 {
			t.Fatalf("slow stream: event %d is %d (%v %v)", i, d.Seq, ok, err)
		}
	}
}
