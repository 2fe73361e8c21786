package http_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/ledger"
	"parley/talks"
)

// firstDraft is a version of the text with clauses in three scripts.
var firstDraft = talks.NewVersion{Reason: "first draft", Clauses: []talks.NewClause{
	{Title: "Ceasefire", Body: "A ceasefire of 42 days.\n\nBoth sides stop all military operations."},
	{Title: "الرهائن", Body: "يتم إطلاق سراح ٣٣ رهينة في المرحلة الأولى."},
	{Title: "שחרור אסירים", Body: "ישראל תשחרר 30 אסירים עבור כל חטוף."},
}}

// postText records a version through the API as a mediator.
func (e *env) postText(t *testing.T, nv talks.NewVersion) talks.TextView {
	t.Helper()
	var tv talks.TextView
	if err := json.Unmarshal(e.must(t, 201, "qatar", "POST", e.talks("/text"), nv), &tv); err != nil {
		t.Fatal(err)
	}
	return tv
}

// bundleRooms returns the kinds of the events in user's ledger bundle by
// room, and the bundle.
func (e *env) bundleRooms(t *testing.T, user string) (map[string][]string, ledger.Bundle) {
	t.Helper()
	b := e.bundleOf(t, user)
	out := map[string][]string{}
	for _, en := range b.Entries {
		out[en.Record.Room] = append(out[en.Record.Room], en.Record.Kind)
	}
	return out, b
}

func TestTextAPI(t *testing.T) {
	e := newEnv(t)
	streams := map[string]*stream{}
	for _, u := range []string{"qatar", "israel", "hamas", "observer", "operator", "outsider"} {
		streams[u] = e.openStream(t, u, 0, "")
	}
	e.must(t, 404, "qatar", "GET", e.talks("/text"), nil)
	e.must(t, 403, "israel", "POST", e.talks("/text"), firstDraft)
	for _, u := range []string{"observer", "operator", "outsider"} {
		e.must(t, 404, u, "POST", e.talks("/text"), firstDraft)
	}
	e.must(t, 401, "", "POST", e.talks("/text"), firstDraft)
	e.must(t, 400, "qatar", "POST", e.talks("/text"), `{"reason":"r","clauses":[{"Title":"t","body":"b"}]}`)

	code, out := e.do(t, "qatar", "POST", e.talks("/text"), firstDraft)
	if code != 201 {
		t.Fatalf("create: %d %s", code, out)
	}
	var v1 talks.TextView
	json.Unmarshal(out, &v1)
	if v1.Version != 1 || v1.Status != "draft" || len(v1.Clauses) != 3 || v1.Clauses[1].Title != "الرهائن" {
		t.Fatalf("v1: %s", out)
	}

	nv := talks.NewVersion{Reason: "second draft", Clauses: []talks.NewClause{
		{ID: v1.Clauses[2].ID, Title: v1.Clauses[2].Title, Body: "ישראל תשחרר 50 אסירים עבור כל חטוף."},
		{ID: v1.Clauses[0].ID, Title: v1.Clauses[0].Title, Body: v1.Clauses[0].Body},
		{ID: v1.Clauses[1].ID, Title: v1.Clauses[1].Title, Body: "يتم إطلاق سراح جميع الرهائن في المرحلة الأولى."},
	}}
	v2 := e.postText(t, nv)
	if v2.Version != 2 {
		t.Fatalf("v2: %+v", v2)
	}

	t.Run("Read", func(t *testing.T) {
		for _, u := range []string{"qatar", "envoy", "israel", "israel2", "hamas"} {
			var tv talks.TextView
			json.Unmarshal(e.must(t, 200, u, "GET", e.talks("/text"), nil), &tv)
			if tv.Version != 2 || tv.Clauses[0].Body != nv.Clauses[0].Body {
				t.Errorf("%s reads %+v", u, tv)
			}
			var vl struct{ Versions []talks.VersionSummary }
			json.Unmarshal(e.must(t, 200, u, "GET", e.talks("/text/versions"), nil), &vl)
			if len(vl.Versions) != 2 {
				t.Errorf("%s lists %+v", u, vl)
			}
			e.must(t, 200, u, "GET", e.talks("/text/versions/1"), nil)
		}
		for _, u := range []string{"observer", "operator", "outsider"} {
			for _, p := range []string{"/text", "/text/versions", "/text/versions/1", "/text/diff?from=1&to=2"} {
				e.must(t, 404, u, "GET", e.talks(p), nil)
			}
		}
		e.must(t, 404, "qatar", "GET", e.talks("/text/versions/0"), nil)
		e.must(t, 404, "qatar", "GET", e.talks("/text/versions/x"), nil)
		e.must(t, 404, "qatar", "GET", e.talks("/text/versions/3"), nil)
		e.must(t, 400, "qatar", "GET", e.talks("/text/diff?from=-1"), nil)
	})

	t.Run("DiffMovedAndNonLatin", func(t *testing.T) {
		var d talks.TextDiff
		json.Unmarshal(e.must(t, 200, "hamas", "GET", e.talks("/text/diff?from=1&to=2"), nil), &d)
		if len(d.Clauses) != 3 {
			t.Fatalf("diff: %+v", d)
		}
		hebrew, ceasefire, arabic := d.Clauses[0], d.Clauses[1], d.Clauses[2]
		if hebrew.Change != "changed" || !hebrew.Moved || hebrew.FromNumber != 3 || hebrew.ToNumber != 1 {
			t.Errorf("Hebrew clause: %+v", hebrew)
		}
		if ceasefire.Change != "unchanged" || ceasefire.Moved {
			t.Errorf("ceasefire clause: %+v", ceasefire)
		}
		var del, ins []string
		for _, op := range append(hebrew.Body, arabic.Body...) {
			switch op.Kind {
			case "delete":
				del = append(del, op.Text)
			case "insert":
				ins = append(ins, op.Text)
			}
		}
		if strings.Join(del, "|") != "30|٣٣ رهينة" || strings.Join(ins, "|") != "50|جميع الرهائن" {
			t.Errorf("word changes: deleted %q, inserted %q", del, ins)
		}
	})

	t.Run("StreamAndBundle", func(t *testing.T) {
		for u, s := range streams {
			n := 0
			for _, ev := range s.collect(300 * time.Millisecond) {
				if ev.Kind == parley.EventTextVersion {
					n++
				}
			}
			want := map[string]int{"qatar": 2, "israel": 2, "hamas": 2}[u]
			if n != want {
				t.Errorf("%s streamed %d text versions, want %d", u, n, want)
			}
		}
		for u, want := range map[string]int{"israel": 2, "hamas": 2, "qatar": 2, "observer": 0, "operator": 0} {
			rooms, _ := e.bundleRooms(t, u)
			if got := len(rooms[parley.RoomText]); got != want {
				t.Errorf("%s's bundle has %d text events, want %d", u, got, want)
			}
		}
	})
}
