package talks_test

import (
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/ledger"
)

// cadence turns the fixture to checkpoints at a cadence: no checkpoint
// at commit, only when Seal runs.
func cadence(t *testing.T) *fixture.Env {
	e := fixture.New(t)
	e.Store.Seal = nil
	return e
}

func checkpointSize(t *testing.T, e *fixture.Env) int64 {
	t.Helper()
	note, err := e.Talks.Checkpoint(ctx, e.U("israel"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ledger.OpenCheckpoint(note, e.Signer.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	return c.Tree.N
}

func TestCheckpointsAtACadence(t *testing.T) {
	e := cadence(t)
	before := checkpointSize(t, e)
	m := post(t, e, "israel", "caucus:israel", "unsealed yet", parley.Relayable)
	if got := checkpointSize(t, e); got != before {
		t.Fatalf("a commit moved the checkpoint from %d to %d", before, got)
	}
	// Nothing past the checkpoint is served: no proof, no leaf, no entry,
	// no bundle entry.
	_, err := e.Talks.InclusionProof(ctx, e.U("israel"), m.EventSeq-1, 0)
	code(t, err, parley.EINVALID)
	_, err = e.Talks.LedgerEntry(ctx, e.U("israel"), m.EventSeq)
	code(t, err, parley.ECONFLICT)
	b, err := e.Talks.Bundle(ctx, e.U("israel"))
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range b.Entries {
		if en.Index >= before {
			t.Errorf("the bundle holds index %d beyond its checkpoint of size %d", en.Index, before)
		}
	}
	sealed, err := e.Talks.Seal(ctx)
	if err != nil || !sealed {
		t.Fatalf("seal: %v %v", sealed, err)
	}
	if got := checkpointSize(t, e); got != m.EventSeq {
		t.Fatalf("after sealing: size %d, want %d", got, m.EventSeq)
	}
	if sealed, err := e.Talks.Seal(ctx); err != nil || sealed {
		t.Errorf("sealing an unchanged log: %v %v", sealed, err)
	}
	b, err = e.Talks.Bundle(ctx, e.U("israel"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(b.Entries); n == 0 || b.Entries[n-1].Index != m.EventSeq-1 {
		t.Errorf("the sealed message is not the bundle's last entry")
	}
	if err := ledger.VerifyBundle(b, e.Signer.VerifierKey()); err != nil {
		t.Error(err)
	}
	if _, err := e.Talks.LedgerEntry(ctx, e.U("israel"), m.EventSeq); err != nil {
		t.Error(err)
	}
	if _, err := e.Talks.CheckLedger(ctx); err != nil {
		t.Error(err)
	}
}

func TestCoverTraffic(t *testing.T) {
	e := cadence(t)
	e.Talks.Cover = 4
	before := checkpointSize(t, e)
	grew := false
	for range 10 {
		if _, err := e.Talks.Seal(ctx); err != nil {
			t.Fatal(err)
		}
		grew = grew || checkpointSize(t, e) > before
	}
	if !grew {
		t.Fatalf("ten rounds of cover traffic added nothing")
	}
	// Shown to nobody; the log still checks.
	for _, who := range []string{"qatar", "israel", "observer"} {
		evs, _, err := e.Talks.Events(ctx, e.Talks.NewFilter(e.U(who)), before, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.Kind == parley.EventLedgerCover {
				t.Errorf("%s sees cover traffic", who)
			}
		}
	}
	if _, err := e.Talks.CheckLedger(ctx); err != nil {
		t.Error(err)
	}
}

func TestLedgerOnlyForMembers(t *testing.T) {
	e := fixture.New(t)
	for _, who := range []string{"outsider", "operator"} {
		u := e.U(who)
		_, err := e.Talks.Checkpoint(ctx, u)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.LedgerKey(ctx, u)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.Leaves(ctx, u, 0, 0)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.InclusionProof(ctx, u, 0, 0)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.ConsistencyProof(ctx, u, 0, 0)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.Bundle(ctx, u)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.LedgerEntry(ctx, u, 1)
		code(t, err, parley.ENOTFOUND)
	}
	if _, err := e.Talks.Checkpoint(ctx, e.U("observer")); err != nil {
		t.Errorf("an observer is a member: %v", err)
	}
}
