package talks_test

import (
	"strings"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

func TestRelay(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	offer := post(t, e, "israel", "caucus:israel", "phased release for a six-week pause", parley.Relayable)
	secret := post(t, e, "israel", "caucus:israel", "our real bottom line", parley.MediatorOnly)
	public := post(t, e, "israel", "caucus:israel", "we want a deal before the deadline", parley.Public)

	relay := func(user string, nr talks.NewRelay) (*parley.Message, error) {
		return e.Talks.Relay(ctx, e.U(user), id, nr)
	}
	base := talks.NewRelay{SourceRoom: "caucus:israel", MessageID: offer.ID, TargetRoom: "caucus:hamas", Mode: parley.Verbatim, Attribution: parley.Attributed}

	t.Run("PartyCannotRelay", func(t *testing.T) {
		_, err := relay("israel", base)
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("ObserverCannotRelay", func(t *testing.T) {
		_, err := relay("observer", base)
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("OutsiderLearnsNothing", func(t *testing.T) {
		_, err := relay("outsider", base)
		code(t, err, parley.ENOTFOUND)
	})
	t.Run("RelayMediatorOnlyRefused", func(t *testing.T) {
		nr := base
		nr.MessageID = secret.ID
		_, err := relay("qatar", nr)
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("WrongSourceRoom", func(t *testing.T) {
		nr := base
		nr.SourceRoom = "caucus:hamas"
		_, err := relay("qatar", nr)
		code(t, err, parley.ENOTFOUND)
	})
	t.Run("UnknownMessage", func(t *testing.T) {
		nr := base
		nr.MessageID = "m_guessed"
		_, err := relay("qatar", nr)
		code(t, err, parley.ENOTFOUND)
	})
	t.Run("BadRequests", func(t *testing.T) {
		for _, mut := range []func(*talks.NewRelay){
			func(nr *talks.NewRelay) { nr.Mode = "summary" },
			func(nr *talks.NewRelay) { nr.Attribution = "signed" },
			func(nr *talks.NewRelay) { nr.Mode = parley.Paraphrase },         // paraphrase without text
			func(nr *talks.NewRelay) { nr.Text = "new words" },               // verbatim with text
			func(nr *talks.NewRelay) { nr.TargetRoom = "caucus:israel" },     // same room
			func(nr *talks.NewRelay) { nr.Disclosure = parley.Public },       // widening
			func(nr *talks.NewRelay) { nr.Disclosure = "loud" },              // unknown
			func(nr *talks.NewRelay) { nr.TargetRoom = parley.RoomPlenary },  // closed plenary
			func(nr *talks.NewRelay) { nr.TargetRoom = parley.RoomBriefing }, // relayable to observers
			func(nr *talks.NewRelay) { nr.TargetRoom = "caucus:nobody" },     // no such room
		} {
			nr := base
			mut(&nr)
			if _, err := relay("qatar", nr); err == nil {
				t.Errorf("relay %+v accepted", nr)
			}
		}
	})

	t.Run("VerbatimAttributed", func(t *testing.T) {
		m, err := relay("qatar", base)
		if err != nil {
			t.Fatal(err)
		}
		if m.Relay.SourceRoom != "caucus:israel" || m.Relay.SourceMessage != offer.ID {
			t.Fatalf("mediator does not see the source link: %+v", m.Relay)
		}
		got, err := e.Talks.Message(ctx, e.U("hamas"), id, "caucus:hamas", m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != offer.Text || got.Relay.From == "" || got.Relay.FromName != "israel" {
			t.Fatalf("recipient view: %+v %+v", got, got.Relay)
		}
		if got.Relay.SourceRoom != "" || got.Relay.SourceMessage != "" || got.Relay.SourceAuthor != "" || got.Relay.SourceDelegation != "" {
			t.Fatalf("recipient sees the source: %+v", got.Relay)
		}
		if got.Author == e.U("israel").ID || got.AuthorName == e.U("israel").DisplayName {
			t.Fatalf("recipient sees the original author")
		}
		med, _ := e.Talks.Message(ctx, e.U("envoy"), id, "caucus:hamas", m.ID)
		if med.Relay.SourceMessage != offer.ID || med.Relay.SourceAuthor != e.U("israel").ID {
			t.Fatalf("other mediator does not see the link: %+v", med.Relay)
		}
	})

	t.Run("ParaphraseAnonymous", func(t *testing.T) {
		nr := base
		nr.Mode, nr.Attribution, nr.Text = parley.Paraphrase, parley.Anonymous, "one side is open to a phased release"
		m, err := relay("envoy", nr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Talks.Message(ctx, e.U("hamas"), id, "caucus:hamas", m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != nr.Text || got.Relay.From != "" || got.Relay.FromName != "" || got.Relay.Mode != parley.Paraphrase {
			t.Fatalf("anonymous paraphrase seen as %+v %+v", got, got.Relay)
		}
		if strings.Contains(got.Text, "six-week") {
			t.Fatal("paraphrase carries the original wording")
		}
	})

	t.Run("PublicToBriefing", func(t *testing.T) {
		nr := base
		nr.MessageID, nr.TargetRoom = public.ID, parley.RoomBriefing
		if _, err := relay("qatar", nr); err != nil {
			t.Fatal(err)
		}
		if got := texts(t, e, "observer", parley.RoomBriefing); len(got) != 1 || got[0] != public.Text {
			t.Fatalf("observer reads %q", got)
		}
	})

	t.Run("SourceLinkOnlyInMediatorsLedger", func(t *testing.T) {
		// The message event in the recipient's room must not carry the
		// source; the link is recorded in the mediators room.
		err := e.Store.View(ctx, func(tx parley.Tx) error {
			evs, err := tx.EventsAfter(ctx, 0, 1000)
			for _, ev := range evs {
				if ev.Room != parley.RoomMediators && strings.Contains(string(ev.Data), "source_") {
					t.Errorf("event %d in %q carries source fields: %s", ev.Seq, ev.Room, ev.Data)
				}
				if ev.Room != "caucus:israel" && ev.Room != parley.RoomMediators && strings.Contains(string(ev.Data), "our real bottom line") {
					t.Errorf("event %d in %q leaks caucus text", ev.Seq, ev.Room)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestConfidentiality(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	hm := post(t, e, "hamas", "caucus:hamas", "hamas private position", parley.Relayable)
	post(t, e, "israel", "caucus:israel", "israel private position", parley.Relayable)
	post(t, e, "qatar", parley.RoomMediators, "mediators private note", parley.MediatorOnly)

	for _, user := range []string{"israel", "israel2", "observer", "outsider"} {
		_, err := e.Talks.Messages(ctx, e.U(user), id, "caucus:hamas", 0, 50)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.Message(ctx, e.U(user), id, "caucus:hamas", hm.ID)
		code(t, err, parley.ENOTFOUND)
		// The message id guessed through a room the user can read.
		if user != "outsider" && user != "observer" {
			_, err = e.Talks.Message(ctx, e.U(user), id, "caucus:israel", hm.ID)
			code(t, err, parley.ENOTFOUND)
		}
		found, _ := e.Talks.Search(ctx, e.U(user), id, "private", 50)
		for _, m := range found {
			if m.Room != "caucus:israel" {
				t.Errorf("%s finds %q in %s by search", user, m.Text, m.Room)
			}
		}
	}
	rooms, _ := e.Talks.Rooms(ctx, e.U("israel"), id)
	for _, r := range rooms {
		if r.Name == "caucus:hamas" || r.Name == parley.RoomMediators || r.Name == parley.RoomBriefing {
			t.Errorf("israel is told of room %s", r.Name)
		}
	}
	_, err := e.Talks.Get(ctx, e.U("outsider"), id)
	code(t, err, parley.ENOTFOUND)
	// An administrator who is not a member manages but does not read.
	_, err = e.Talks.Messages(ctx, e.U("operator"), id, "caucus:hamas", 0, 50)
	code(t, err, parley.ENOTFOUND)
}

func TestRelayRulesFromReview(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	if _, err := e.Talks.SetPlenary(ctx, e.U("qatar"), id, true); err != nil {
		t.Fatal(err)
	}
	src := post(t, e, "israel", "caucus:israel", "our offer", parley.Public)

	t.Run("AnonymousStaysAnonymous", func(t *testing.T) {
		anon, err := e.Talks.Relay(ctx, e.U("qatar"), id, talks.NewRelay{SourceRoom: "caucus:israel", MessageID: src.ID, TargetRoom: parley.RoomPlenary, Mode: parley.Verbatim, Attribution: parley.Anonymous})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Talks.Relay(ctx, e.U("envoy"), id, talks.NewRelay{SourceRoom: parley.RoomPlenary, MessageID: anon.ID, TargetRoom: "caucus:hamas", Mode: parley.Verbatim, Attribution: parley.Attributed})
		code(t, err, parley.EFORBIDDEN)
		m, err := e.Talks.Relay(ctx, e.U("envoy"), id, talks.NewRelay{SourceRoom: parley.RoomPlenary, MessageID: anon.ID, TargetRoom: "caucus:hamas", Mode: parley.Verbatim, Attribution: parley.Anonymous})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := e.Talks.Message(ctx, e.U("hamas"), id, "caucus:hamas", m.ID)
		if got.Relay.From != "" || got.Relay.FromName != "" {
			t.Fatalf("re-relay reveals the origin: %+v", got.Relay)
		}
	})
	t.Run("BriefingGetsOnlyPublicCopies", func(t *testing.T) {
		_, err := e.Talks.Relay(ctx, e.U("qatar"), id, talks.NewRelay{SourceRoom: "caucus:israel", MessageID: src.ID, TargetRoom: parley.RoomBriefing, Mode: parley.Verbatim, Attribution: parley.Anonymous, Disclosure: parley.Relayable})
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("SuspendedMediatorNeitherRelaysNorManages", func(t *testing.T) {
		if _, err := e.Talks.ChangePresence(ctx, e.U("qatar"), id, "qatar", talks.ActionSuspendMe, "bad faith"); err != nil {
			t.Fatal(err)
		}
		_, err := e.Talks.Relay(ctx, e.U("qatar"), id, talks.NewRelay{SourceRoom: "caucus:israel", MessageID: src.ID, TargetRoom: parley.RoomMediators, Mode: parley.Verbatim, Attribution: parley.Anonymous})
		code(t, err, parley.ECONFLICT)
		_, err = e.Talks.AddDelegation(ctx, e.U("qatar"), id, talks.NewDelegation{Name: "Egypt", Kind: parley.KindMediator})
		code(t, err, parley.ECONFLICT)
	})
}
