package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"parley"
	"parley/sqlstore"
)

// scopeFixture makes a user, talks and a party delegation, each with its
// event, as the service does.
func scopeFixture(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2024, 12, 5, 9, 0, 0, 0, time.UTC)
	_, err := s.Update(ctx, func(tx parley.Tx) error {
		if err := tx.CreateUser(ctx, &parley.User{ID: "u1", Name: "hamas", DisplayName: "Hamas office", CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateTalks(ctx, &parley.Talks{ID: "t1", Title: "Talks", Status: parley.TalksActive, CreatedAt: now, CreatedBy: "u1"}); err != nil {
			return err
		}
		if err := tx.CreateDelegation(ctx, &parley.Delegation{ID: "d1", TalksID: "t1", Slug: "hamas", Name: "Hamas", Kind: parley.KindParty, Presence: parley.PresenceEngaged}); err != nil {
			return err
		}
		if err := tx.AddMember(ctx, &parley.Member{DelegationID: "d1", UserID: "u1", Role: parley.RoleHead}); err != nil {
			return err
		}
		_, err := appendEvent(ctx, tx, "setup")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// presence reads d1's presence and the talks' status in a read
// transaction (view) or a write one.
func presence(t *testing.T, s *sqlstore.Store, write bool) (parley.Presence, parley.TalksStatus) {
	t.Helper()
	ctx := context.Background()
	var p parley.Presence
	var st parley.TalksStatus
	fn := func(tx parley.Tx) error {
		k, err := tx.Talks(ctx, "t1")
		if err != nil {
			return err
		}
		ds, err := tx.Delegations(ctx, "t1")
		if err != nil {
			return err
		}
		ms, err := tx.Members(ctx, "t1")
		if err != nil || len(ms) != 1 || ms[0].DisplayName != "Hamas office" {
			t.Errorf("members: %+v %v", ms, err)
		}
		p, st = ds[0].Presence, k.Status
		return nil
	}
	var err error
	if write {
		_, err = s.Update(ctx, fn)
	} else {
		err = s.View(ctx, fn)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p, st
}

// withdraw changes d1's presence (and the talks' status) through s, with
// an event, as the service does; fail makes the change fail after its
// writes.
func withdraw(s *sqlstore.Store, p parley.Presence, st parley.TalksStatus, fail bool) error {
	ctx := context.Background()
	_, err := s.Update(ctx, func(tx parley.Tx) error {
		ds, err := tx.Delegations(ctx, "t1")
		if err != nil {
			return err
		}
		d := ds[0]
		d.Presence = p
		if err := tx.UpdateDelegation(ctx, &d); err != nil {
			return err
		}
		k, err := tx.Talks(ctx, "t1")
		if err != nil {
			return err
		}
		k.Status = st
		if err := tx.UpdateTalks(ctx, k); err != nil {
			return err
		}
		// Within the transaction, its own change is what it reads.
		if again, err := tx.Delegations(ctx, "t1"); err != nil || again[0].Presence != p {
			return errors.New("the transaction does not read its own change")
		}
		if _, err := appendEvent(ctx, tx, "presence"); err != nil {
			return err
		}
		if fail {
			return errors.New("refused after writing")
		}
		return nil
	})
	return err
}

// TestScopeCacheFollowsChanges: the rows that authorise are cached, and a
// change is seen at once by reads and writes, whether it was made through
// the same store, rolled back, or made through another store on the same
// database (another process or node).
func TestScopeCacheFollowsChanges(t *testing.T) {
	s, another, _ := mustOpenTwo(t)
	scopeFixture(t, s)
	other := another()
	for _, write := range []bool{false, true} {
		if p, st := presence(t, s, write); p != parley.PresenceEngaged || st != parley.TalksActive {
			t.Fatalf("at first (write %v): %s %s", write, p, st)
		}
	}
	// Through the same store.
	if err := withdraw(s, parley.PresenceWithdrawn, parley.TalksSuspended, false); err != nil {
		t.Fatal(err)
	}
	for _, write := range []bool{false, true} {
		if p, st := presence(t, s, write); p != parley.PresenceWithdrawn || st != parley.TalksSuspended {
			t.Fatalf("after a change (write %v): %s %s", write, p, st)
		}
	}
	// Rolled back: nothing changes.
	if err := withdraw(s, parley.PresenceEngaged, parley.TalksActive, true); err == nil {
		t.Fatal("the failing change succeeded")
	}
	for _, write := range []bool{false, true} {
		if p, st := presence(t, s, write); p != parley.PresenceWithdrawn || st != parley.TalksSuspended {
			t.Fatalf("after a rolled back change (write %v): %s %s", write, p, st)
		}
	}
	// Through another store: seen by the first one's next read and write.
	if err := withdraw(other, parley.PresenceEngaged, parley.TalksActive, false); err != nil {
		t.Fatal(err)
	}
	if p, st := presence(t, s, false); p != parley.PresenceEngaged || st != parley.TalksActive {
		t.Fatalf("a read after another node's change: %s %s", p, st)
	}
	if err := withdraw(other, parley.PresenceWithdrawn, parley.TalksConcluded, false); err != nil {
		t.Fatal(err)
	}
	if p, st := presence(t, s, true); p != parley.PresenceWithdrawn || st != parley.TalksConcluded {
		t.Fatalf("a write after another node's change: %s %s", p, st)
	}
}

// TestScopeCacheHandsOutCopies: what a caller does to the rows it got does
// not change what the next caller gets.
func TestScopeCacheHandsOutCopies(t *testing.T) {
	s, _ := MustOpen(t)
	scopeFixture(t, s)
	ctx := context.Background()
	for range 2 {
		err := s.View(ctx, func(tx parley.Tx) error {
			k, err := tx.Talks(ctx, "t1")
			if err != nil {
				return err
			}
			ds, err := tx.Delegations(ctx, "t1")
			if err != nil {
				return err
			}
			ms, err := tx.Members(ctx, "t1")
			if err != nil {
				return err
			}
			if k.Title != "Talks" || ds[0].Name != "Hamas" || ms[0].Role != parley.RoleHead {
				return errors.New("a caller's change leaked into the cache")
			}
			k.Title, ds[0].Name, ms[0].Role = "changed", "changed", parley.RoleStaff
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
