package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
	"parley/sqlstore"
)

// seedTalks stores a user, talks and two party delegations for the text
// tables' foreign keys.
func seedTalks(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	at := time.Date(2024, 12, 5, 9, 0, 0, 0, time.UTC)
	_, err := s.Update(context.Background(), func(tx parley.Tx) error {
		ctx := context.Background()
		if err := tx.CreateUser(ctx, &parley.User{ID: "u1", Name: "qatar", DisplayName: "Qatar PM", PasswordHash: "x", CreatedAt: at}); err != nil {
			return err
		}
		if err := tx.CreateTalks(ctx, &parley.Talks{ID: "t1", Title: "Talks", Status: parley.TalksActive, StatusAt: at, CreatedAt: at, CreatedBy: "u1"}); err != nil {
			return err
		}
		for _, slug := range []string{"israel", "hamas"} {
			if err := tx.CreateDelegation(ctx, &parley.Delegation{ID: "d_" + slug, TalksID: "t1", Slug: slug, Name: slug, Kind: parley.KindParty, Presence: parley.PresenceEngaged, PresenceAt: at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// update runs fn in a write transaction and fails the test on error.
func update(t *testing.T, s *sqlstore.Store, fn func(ctx context.Context, tx parley.Tx) error) {
	t.Helper()
	if _, err := s.Update(context.Background(), func(tx parley.Tx) error { return fn(context.Background(), tx) }); err != nil {
		t.Fatal(err)
	}
}

// view runs fn in a read transaction and fails the test on error.
func view(t *testing.T, s *sqlstore.Store, fn func(ctx context.Context, tx parley.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), func(tx parley.Tx) error { return fn(context.Background(), tx) }); err != nil {
		t.Fatal(err)
	}
}

func TestTextStore(t *testing.T) {
	at := time.Date(2024, 12, 5, 9, 30, 0, 0, time.UTC)

	t.Run("Versions", func(t *testing.T) {
		s, _ := MustOpen(t)
		seedTalks(t, s)
		v1 := parley.TextVersion{TalksID: "t1", Number: 1, Reason: "first draft", Author: "u1", CreatedAt: at, EventSeq: 7,
			Clauses: []parley.Clause{{ID: "c_a", Number: 1, Title: "وقف إطلاق النار", Body: "Body\n\nsecond paragraph"}, {ID: "c_b", Number: 2, Title: "שחרור", Body: "Hebrew ✓"}}}
		update(t, s, func(ctx context.Context, tx parley.Tx) error { return tx.InsertTextVersion(ctx, &v1) })
		_, err := s.Update(context.Background(), func(tx parley.Tx) error { return tx.InsertTextVersion(context.Background(), &v1) })
		if parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("same version twice: %v, want conflict", err)
		}
		var got []parley.TextVersion
		view(t, s, func(ctx context.Context, tx parley.Tx) error {
			var err error
			got, err = tx.TextVersions(ctx, "t1")
			return err
		})
		v1.AuthorName = "Qatar PM"
		if diff := cmp.Diff([]parley.TextVersion{v1}, got); diff != "" {
			t.Fatalf("versions (-want +got):\n%s", diff)
		}
	})

	t.Run("Positions", func(t *testing.T) {
		s, _ := MustOpen(t)
		seedTalks(t, s)
		p := parley.Position{TalksID: "t1", Version: 1, ClauseID: "c_a", Delegation: "d_israel", Stance: parley.Reserve, Comment: "why", RecordedBy: "u1", RecordedAt: at, EventSeq: 3}
		update(t, s, func(ctx context.Context, tx parley.Tx) error { return tx.UpsertPosition(ctx, &p) })
		// A second position on the same clause and version replaces it.
		p2 := p
		p2.Stance, p2.Wording, p2.EventSeq = parley.Accept, "new words", 4
		other := parley.Position{TalksID: "t1", Version: 1, ClauseID: "c_a", Delegation: "d_hamas", Stance: parley.Reject, RecordedBy: "u1", RecordedAt: at, EventSeq: 5}
		later := p
		later.Version, later.EventSeq = 2, 9
		update(t, s, func(ctx context.Context, tx parley.Tx) error {
			for _, x := range []*parley.Position{&p2, &other, &later} {
				if err := tx.UpsertPosition(ctx, x); err != nil {
					return err
				}
			}
			return nil
		})
		view(t, s, func(ctx context.Context, tx parley.Tx) error {
			mine, err := tx.Positions(ctx, "t1", "d_israel")
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]parley.Position{p2, later}, mine); diff != "" {
				t.Errorf("israel's positions (-want +got):\n%s", diff)
			}
			all, err := tx.Positions(ctx, "t1", "")
			if err != nil {
				return err
			}
			if len(all) != 3 {
				t.Errorf("all positions: %d, want 3", len(all))
			}
			return nil
		})
	})

	t.Run("DomainAndProposals", func(t *testing.T) {
		s, _ := MustOpen(t)
		seedTalks(t, s)
		view(t, s, func(ctx context.Context, tx parley.Tx) error {
			if _, err := tx.Domain(ctx, "t1"); parley.ErrorCode(err) != parley.ENOTFOUND {
				t.Errorf("no domain yet: %v", err)
			}
			return nil
		})
		d := parley.Domain{TalksID: "t1", Name: "ceasefire", Source: `{"issues":[]}`, SetBy: "u1", SetAt: at, EventSeq: 2}
		update(t, s, func(ctx context.Context, tx parley.Tx) error { return tx.PutDomain(ctx, &d) })
		d.Name, d.EventSeq = "ceasefire 2", 3
		update(t, s, func(ctx context.Context, tx parley.Tx) error { return tx.PutDomain(ctx, &d) })
		msgs := []parley.Message{
			{ID: "m1", TalksID: "t1", Room: "caucus:israel", RoomSeq: 1, Author: "u1", Delegation: "d_israel", Disclosure: parley.Relayable, Text: "plain", CreatedAt: at, EventSeq: 10},
			{ID: "m2", TalksID: "t1", Room: "caucus:israel", RoomSeq: 2, Author: "u1", Delegation: "d_israel", Disclosure: parley.Relayable, Text: "proposal", CreatedAt: at, EventSeq: 11,
				Proposal: &parley.Proposal{Package: map[string]string{"days": "42", "rafah": "open"}, Note: "a note"}},
			{ID: "m3", TalksID: "t1", Room: "caucus:hamas", RoomSeq: 1, Author: "u1", Delegation: "d_hamas", Disclosure: parley.Relayable, Text: "proposal", CreatedAt: at, EventSeq: 12,
				Proposal: &parley.Proposal{Package: map[string]string{"days": "90", "rafah": "closed"}},
				Relay:    &parley.Relay{Mode: parley.Verbatim, Attribution: parley.Anonymous, SourceRoom: "caucus:israel", SourceMessage: "m2", SourceAuthor: "u1", SourceDelegation: "d_israel"}},
		}
		update(t, s, func(ctx context.Context, tx parley.Tx) error {
			for i := range msgs {
				if err := tx.InsertMessage(ctx, &msgs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		view(t, s, func(ctx context.Context, tx parley.Tx) error {
			got, err := tx.Domain(ctx, "t1")
			if err != nil {
				return err
			}
			if diff := cmp.Diff(&d, got); diff != "" {
				t.Errorf("domain (-want +got):\n%s", diff)
			}
			// Every read path of messages carries the proposal.
			m, err := tx.Message(ctx, "t1", "m3")
			if err != nil {
				return err
			}
			if diff := cmp.Diff(msgs[2].Proposal, m.Proposal); diff != "" {
				t.Errorf("message's proposal (-want +got):\n%s", diff)
			}
			page, err := tx.Messages(ctx, "t1", "caucus:israel", 0, 0, 10)
			if err != nil {
				return err
			}
			if len(page) != 2 || page[0].Proposal != nil || page[1].Proposal == nil || page[1].Proposal.Note != "a note" {
				t.Errorf("listed messages: %+v", page)
			}
			found, err := tx.SearchMessages(ctx, "t1", []string{"caucus:israel"}, nil, "proposal", 10)
			if err != nil {
				return err
			}
			if len(found) != 1 || found[0].Proposal == nil {
				t.Errorf("search: %+v", found)
			}
			all, err := tx.Proposals(ctx, "t1", []string{"caucus:israel", "caucus:hamas"}, nil)
			if err != nil {
				return err
			}
			if len(all) != 2 || all[0].ID != "m2" || all[1].ID != "m3" || all[1].Relay == nil {
				t.Errorf("proposals: %+v", all)
			}
			held, err := tx.Proposals(ctx, "t1", []string{"caucus:israel", "caucus:hamas"}, map[string]int64{"caucus:hamas": 11})
			if err != nil {
				return err
			}
			if len(held) != 1 || held[0].ID != "m2" {
				t.Errorf("proposals with caucus:hamas held after 11: %+v", held)
			}
			n, err := tx.CountProposals(ctx, "t1")
			if err != nil {
				return err
			}
			if n != 2 {
				t.Errorf("CountProposals = %d, want 2", n)
			}
			return nil
		})
	})

	t.Run("Profiles", func(t *testing.T) {
		s, _ := MustOpen(t)
		seedTalks(t, s)
		p := parley.Profile{TalksID: "t1", Delegation: "d_israel", Source: `{"weights":{}}`, Format: "yaml", UpdatedBy: "u1", UpdatedAt: at}
		update(t, s, func(ctx context.Context, tx parley.Tx) error { return tx.PutProfile(ctx, &p) })
		p.Consent, p.Source = true, ""
		update(t, s, func(ctx context.Context, tx parley.Tx) error { return tx.PutProfile(ctx, &p) })
		view(t, s, func(ctx context.Context, tx parley.Tx) error {
			got, err := tx.Profile(ctx, "t1", "d_israel")
			if err != nil {
				return err
			}
			if diff := cmp.Diff(&p, got); diff != "" {
				t.Errorf("profile (-want +got):\n%s", diff)
			}
			if _, err := tx.Profile(ctx, "t1", "d_hamas"); parley.ErrorCode(err) != parley.ENOTFOUND {
				t.Errorf("missing profile: %v", err)
			}
			all, err := tx.Profiles(ctx, "t1")
			if err != nil {
				return err
			}
			if len(all) != 1 {
				t.Errorf("profiles: %+v", all)
			}
			return nil
		})
	})

	t.Run("Reflections", func(t *testing.T) {
		s, _ := MustOpen(t)
		seedTalks(t, s)
		r := parley.Reflection{ID: "r1", TalksID: "t1", Requester: "d_israel", RequestedBy: "u1", Proposal: "m2",
			Package: map[string]string{"days": "42"}, Offered: map[string]string{"days": "60"}, State: parley.ReflectionWaiting, CreatedAt: at, UpdatedAt: at}
		update(t, s, func(ctx context.Context, tx parley.Tx) error { return tx.InsertReflection(ctx, &r) })
		r.State, r.Optimal, r.UpdatedAt = parley.ReflectionRevealed, map[string]string{"days": "50"}, at.Add(time.Hour)
		r.Answers = []parley.ReflectionAnswer{{Delegation: "d_hamas", Accept: true, AnsweredBy: "u1", AnsweredAt: at}}
		update(t, s, func(ctx context.Context, tx parley.Tx) error { return tx.UpdateReflection(ctx, &r) })
		_, err := s.Update(context.Background(), func(tx parley.Tx) error {
			return tx.UpdateReflection(context.Background(), &parley.Reflection{ID: "r_missing", TalksID: "t1", State: parley.ReflectionDeclined})
		})
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("update of a missing reflection: %v", err)
		}
		view(t, s, func(ctx context.Context, tx parley.Tx) error {
			got, err := tx.Reflections(ctx, "t1")
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]parley.Reflection{r}, got); diff != "" {
				t.Errorf("reflections (-want +got):\n%s", diff)
			}
			return nil
		})
	})
}
