package http_test

import (
	"strings"
	"testing"

	"parley"
	parleyhttp "parley/http"
	"parley/talks"
)

// vienna is a meeting Israel records for itself and one mediator.
func vienna() talks.NewMeeting {
	return talks.NewMeeting{Kind: parley.Consultation, Title: "Barnea and Al Thani", Place: "Vienna", HeldOn: "2024-11-24",
		Participants: []talks.NewParticipant{{User: "israel"}, {User: "qatar"}},
		Summary:      "What was needed to reach an agreement, zanzibar.", Audience: []string{"qatar"}}
}

// TestMeetingsAccess: a meeting is seen by its audience only, in every
// read path — list, get, search, the event stream and the ledger bundle —
// and the audience is never wider than the recorder's rooms reach.
func TestMeetingsAccess(t *testing.T) {
	e := newQuietEnv(t)
	e.fixClock()
	streams := e.openStreams(t)

	var m parley.Meeting
	decodeJSON(t, e.must(t, 201, "israel", "POST", e.talks("/meetings"), vienna()), &m)
	if len(m.Audience) != 2 || len(m.Participants) != 2 || m.Participants[1].Name != "User qatar" || m.Participants[0].Delegation != e.delegationID(t, "israel") {
		t.Fatalf("recorded: %+v", m)
	}
	audience := map[string]bool{"israel": true, "israel2": true, "qatar": true}
	for _, u := range members {
		want := 404
		if audience[u] {
			want = 200
		}
		if got, _ := e.do(t, u, "GET", e.talks("/meetings/"+m.ID), nil); got != want {
			t.Errorf("%s GET the meeting: %d, want %d", u, got, want)
		}
		code, out := e.do(t, u, "GET", e.talks("/meetings"), nil)
		if u == "operator" || u == "outsider" {
			if code != 404 {
				t.Errorf("%s lists meetings: %d", u, code)
			}
			continue
		}
		var l parleyhttp.MeetingList
		decodeJSON(t, out, &l)
		if (len(l.Meetings) == 1) != audience[u] {
			t.Errorf("%s lists %d meetings", u, len(l.Meetings))
		}
		var res parleyhttp.SearchResults
		decodeJSON(t, e.must(t, 200, u, "GET", e.talks("/search?q=ZANZIBAR"), nil), &res)
		if (len(res.Meetings) == 1) != audience[u] || res.Messages == nil {
			t.Errorf("%s searches: %d meetings", u, len(res.Meetings))
		}
	}
	// A hidden meeting answers as a missing one.
	_, hidden := e.do(t, "hamas", "GET", e.talks("/meetings/"+m.ID), nil)
	_, missing := e.do(t, "hamas", "GET", e.talks("/meetings/g_nothere"), nil)
	if strings.ReplaceAll(string(hidden), m.ID, "g_nothere") != string(missing) {
		t.Errorf("hidden and missing differ:\n%s\n%s", hidden, missing)
	}
	e.checkReadPaths(t, streams, audience, "the Vienna meeting", func(kind, room string) bool {
		return room == parley.MeetingRoom(m.ID)
	})

	// Never wider than the recorder's rooms: a party reaches the other
	// party only while the plenary is open, and observers never.
	wide := vienna()
	wide.Audience = []string{"qatar", "hamas"}
	e.must(t, 403, "israel", "POST", e.talks("/meetings"), wide)
	wide.Audience = []string{"observers"}
	e.must(t, 403, "israel", "POST", e.talks("/meetings"), wide)
	e.must(t, 200, "qatar", "POST", e.talks("/plenary"), map[string]bool{"open": true})
	wide.Audience = []string{"hamas"}
	e.must(t, 201, "israel", "POST", e.talks("/meetings"), wide)
	e.must(t, 403, "observer", "POST", e.talks("/meetings"), vienna())
	e.must(t, 403, "operator", "POST", e.talks("/meetings"), vienna())
	e.must(t, 404, "outsider", "POST", e.talks("/meetings"), vienna())
	bad := vienna()
	bad.Participants = []talks.NewParticipant{{User: "israel"}, {User: "outsider"}}
	e.must(t, 400, "israel", "POST", e.talks("/meetings"), bad)
	bad = vienna()
	bad.Participants = []talks.NewParticipant{{User: "israel"}}
	e.must(t, 400, "israel", "POST", e.talks("/meetings"), bad)
	bad = vienna()
	bad.Kind = "dinner"
	e.must(t, 400, "israel", "POST", e.talks("/meetings"), bad)
	bad = vienna()
	bad.Audience = []string{"nobody"}
	e.must(t, 400, "israel", "POST", e.talks("/meetings"), bad)
	bad = vienna()
	bad.HeldOn = "24 Nov"
	e.must(t, 400, "israel", "POST", e.talks("/meetings"), bad)
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "appearances"})
	e.must(t, 409, "hamas", "POST", e.talks("/meetings"), talks.NewMeeting{Kind: parley.Consultation, Title: "x", Summary: "x",
		Participants: []talks.NewParticipant{{User: "hamas"}, {Name: "Someone", Title: "Outside"}}})
}

// TestBriefingMeeting: a briefing to observers posts its summary into the
// briefing room; outside people are named with their title.
func TestBriefingMeeting(t *testing.T) {
	e := newQuietEnv(t)
	e.fixClock()
	var m parley.Meeting
	decodeJSON(t, e.must(t, 201, "envoy", "POST", e.talks("/meetings"), talks.NewMeeting{Kind: parley.Briefing, Title: "Envoy and the Prime Minister",
		Place: "Israel", HeldOn: "2024-11-23", Participants: []talks.NewParticipant{{User: "envoy"}, {Name: "Benjamin Netanyahu", Title: "Prime Minister of Israel"}},
		Summary: "Both agree a ceasefire is needed before the inauguration.", Audience: []string{"qatar", "observers", "israel"}}), &m)
	if m.BriefingMessage == "" || m.Participants[1].Title != "Prime Minister of Israel" || len(m.Audience) != 4 {
		t.Fatalf("briefing: %+v", m)
	}
	var p talks.Page
	decodeJSON(t, e.must(t, 200, "observer", "GET", e.talks("/rooms/briefing/messages"), nil), &p)
	if len(p.Messages) != 1 || p.Messages[0].ID != m.BriefingMessage || p.Messages[0].Text != m.Summary || p.Messages[0].Disclosure != parley.Public {
		t.Errorf("briefing room: %+v", p.Messages)
	}
	e.must(t, 200, "observer", "GET", e.talks("/meetings/"+m.ID), nil)
	e.must(t, 404, "hamas", "GET", e.talks("/meetings/"+m.ID), nil)
	// A consultation with observers in the audience posts nothing.
	e.must(t, 201, "envoy", "POST", e.talks("/meetings"), talks.NewMeeting{Kind: parley.Consultation, Title: "x", HeldPrecision: parley.PrecisionUnknown,
		Participants: []talks.NewParticipant{{User: "envoy"}, {User: "qatar"}}, Summary: "x", Audience: []string{"observers"}})
	decodeJSON(t, e.must(t, 200, "observer", "GET", e.talks("/rooms/briefing/messages"), nil), &p)
	if len(p.Messages) != 1 {
		t.Errorf("briefing room: %d messages", len(p.Messages))
	}
}
