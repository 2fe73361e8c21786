package http_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parley"
)

// rooms of the fixture talks.
var rooms = []string{"caucus:israel", "caucus:hamas", "mediators", "briefing", "plenary"}

// access is the expected outcome of each action for each role in each room
// (plenary open): the HTTP status of listing, getting a message, posting.
type access struct{ list, get, post int }

var (
	rw     = access{200, 200, 201}
	ro     = access{200, 200, 403}
	hidden = access{404, 404, 404}
	anon   = access{401, 401, 401}
)

// matrix is the access rule, role by role and room by room.
var matrix = map[string]map[string]access{
	"qatar":    {"caucus:israel": rw, "caucus:hamas": rw, "mediators": rw, "briefing": rw, "plenary": rw},
	"israel":   {"caucus:israel": rw, "caucus:hamas": hidden, "mediators": hidden, "briefing": hidden, "plenary": rw},
	"israel2":  {"caucus:israel": rw, "caucus:hamas": hidden, "mediators": hidden, "briefing": hidden, "plenary": rw},
	"hamas":    {"caucus:israel": hidden, "caucus:hamas": rw, "mediators": hidden, "briefing": hidden, "plenary": rw},
	"observer": {"caucus:israel": hidden, "caucus:hamas": hidden, "mediators": hidden, "briefing": ro, "plenary": hidden},
	"outsider": {"caucus:israel": hidden, "caucus:hamas": hidden, "mediators": hidden, "briefing": hidden, "plenary": hidden},
	"operator": {"caucus:israel": hidden, "caucus:hamas": hidden, "mediators": hidden, "briefing": hidden, "plenary": hidden},
	"":         {"caucus:israel": anon, "caucus:hamas": anon, "mediators": anon, "briefing": anon, "plenary": anon},
}

func TestAccessMatrix(t *testing.T) {
	e := newEnv(t)
	e.must(t, 200, "qatar", "POST", e.talks("/plenary"), map[string]bool{"open": true})
	// One message in every room, written by a mediator, with a word to search for.
	seeded := map[string]string{}
	for _, room := range rooms {
		var m parley.Message
		json.Unmarshal(e.must(t, 201, "qatar", "POST", e.talks("/rooms/"+room+"/messages"), map[string]string{"text": "marker in " + room, "disclosure": "public"}), &m)
		seeded[room] = m.ID
	}
	// Watch the event stream of every member while the test posts.
	streams := map[string]*stream{}
	for role := range matrix {
		if role != "" {
			streams[role] = e.openStream(t, role, 0, "")
		}
	}

	for role, byRoom := range matrix {
		for _, room := range rooms {
			want := byRoom[room]
			t.Run(role+"/"+room, func(t *testing.T) {
				base := e.talks("/rooms/" + room + "/messages")
				if got, _ := e.do(t, role, "GET", base, nil); got != want.list {
					t.Errorf("list: %d, want %d", got, want.list)
				}
				if got, _ := e.do(t, role, "GET", base+"/"+seeded[room], nil); got != want.get {
					t.Errorf("get: %d, want %d", got, want.get)
				}
				if got, out := e.do(t, role, "POST", base, map[string]string{"text": "from " + role}); got != want.post {
					t.Errorf("post: %d, want %d: %s", got, want.post, out)
				}
			})
		}
		if role == "" {
			continue
		}
		t.Run(role+"/search", func(t *testing.T) {
			code, out := e.do(t, role, "GET", e.talks("/search?q=marker"), nil)
			if role == "outsider" {
				if code != 404 {
					t.Fatalf("outsider search: %d", code)
				}
				return
			}
			var res struct{ Messages []parley.Message }
			json.Unmarshal(out, &res)
			got := map[string]bool{}
			for _, m := range res.Messages {
				got[m.Room] = true
			}
			for _, room := range rooms {
				if got[room] != (byRoom[room].list == 200) {
					t.Errorf("search finds a message in %s: %v, want %v", room, got[room], byRoom[room].list == 200)
				}
			}
		})
		t.Run(role+"/rooms", func(t *testing.T) {
			code, out := e.do(t, role, "GET", e.talks("/rooms"), nil)
			if role == "outsider" {
				if code != 404 {
					t.Fatalf("outsider rooms: %d", code)
				}
				return
			}
			var res struct{ Rooms []parley.Room }
			json.Unmarshal(out, &res)
			listed := map[string]bool{}
			for _, r := range res.Rooms {
				listed[r.Name] = true
			}
			for _, room := range rooms {
				if listed[room] != (byRoom[room].list == 200) {
					t.Errorf("room %s listed: %v", room, listed[room])
				}
			}
		})
	}

	for role, s := range streams {
		t.Run(role+"/events", func(t *testing.T) {
			evs := s.collect(300 * time.Millisecond)
			seen := map[string]bool{}
			for _, ev := range evs {
				var pe parley.Event
				if err := json.Unmarshal([]byte(ev.Data), &pe); err != nil {
					t.Fatal(err)
				}
				if pe.Room != "" {
					seen[pe.Room] = true
				}
				if pe.Talks == "" {
					t.Errorf("account event %s streamed to %s", pe.Kind, role)
				}
			}
			for _, room := range rooms {
				if seen[room] != (matrix[role][room].list == 200) {
					t.Errorf("events of %s streamed: %v", room, seen[room])
				}
			}
		})
	}
}

// TestGuessedIDs checks that ids typed by hand learn nothing: a real message
// id of another caucus, asked for through a room the user can read, looks
// exactly like an id that does not exist.
func TestGuessedIDs(t *testing.T) {
	e := newEnv(t)
	var m parley.Message
	json.Unmarshal(e.must(t, 201, "hamas", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "hamas only"}), &m)
	_, real := e.do(t, "israel", "GET", e.talks("/rooms/caucus:israel/messages/"+m.ID), nil)
	_, fake := e.do(t, "israel", "GET", e.talks("/rooms/caucus:israel/messages/m_doesnotexist"), nil)
	strip := func(b []byte) string { return strings.ReplaceAll(string(b), m.ID, "m_doesnotexist") }
	if strip(real) != strip(fake) {
		t.Fatalf("responses differ:\n%s\n%s", real, fake)
	}
	_, room := e.do(t, "israel", "GET", e.talks("/rooms/caucus:hamas/messages"), nil)
	_, noroom := e.do(t, "israel", "GET", e.talks("/rooms/caucus:nobody/messages"), nil)
	if strings.ReplaceAll(string(room), "hamas", "nobody") != string(noroom) {
		t.Fatalf("an existing caucus answers differently from a missing one:\n%s\n%s", room, noroom)
	}
	e.must(t, 404, "outsider", "GET", "/api/v1/talks/"+e.TalksID, nil)
	e.must(t, 404, "israel", "GET", "/api/v1/talks/t_doesnotexist", nil)
	// Relaying needs the mediator to name the source room; a party cannot
	// use the relay endpoint to probe for ids.
	e.must(t, 403, "israel", "POST", e.talks("/relays"), map[string]string{"source_room": "caucus:hamas", "message_id": m.ID, "target_room": "caucus:israel", "mode": "verbatim", "attribution": "anonymous"})
	// Ledger entries of rooms the user cannot read are not shown.
	e.must(t, 404, "israel", "GET", "/api/v1/ledger/entries/"+itoa(m.EventSeq), nil)
	e.must(t, 200, "hamas", "GET", "/api/v1/ledger/entries/"+itoa(m.EventSeq), nil)
	e.must(t, 200, "qatar", "GET", "/api/v1/ledger/entries/"+itoa(m.EventSeq), nil)
}
