package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	parleyhttp "parley/http"
)

// TestStrictDecoding: bodies are decoded exactly as docs/api.md says.
func TestStrictDecoding(t *testing.T) {
	e := newEnv(t)
	msgs := e.talks("/rooms/caucus:israel/messages")
	for _, tc := range []struct {
		name, contentType, body string
		want                    int
		detail                  string
	}{
		{"NameInAnotherCase", "application/json", `{"Text":"x"}`, 400, `unknown field "Text"`},
		{"DuplicateName", "application/json", `{"text":"shown","text":"stored"}`, 400, `"text" appears twice`},
		{"InvalidUTF8", "application/json", "{\"text\":\"\xff\"}", 400, "malformed JSON"},
		{"WrongType", "application/json", `{"text":["x"]}`, 400, `"text" must be a string`},
		{"NotAnObject", "application/json", `"x"`, 400, "must be an object"},
		{"NoContentType", "", `{"text":"x"}`, 415, "Content-Type must be application/json"},
		{"TextPlain", "text/plain", `{"text":"x"}`, 415, "Content-Type must be application/json"},
		{"JSONLookalike", "application/jsonx", `{"text":"x"}`, 415, "Content-Type must be application/json"},
		{"WithCharset", "application/json; charset=utf-8", `{"text":"fine"}`, 201, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.srv.URL+msgs, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			req.Header.Set("Authorization", "Bearer "+e.tokens["israel"])
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var p parleyhttp.Problem
			json.NewDecoder(resp.Body).Decode(&p)
			if resp.StatusCode != tc.want || !strings.Contains(p.Detail, tc.detail) {
				t.Fatalf("%d %q, want %d with %q", resp.StatusCode, p.Detail, tc.want, tc.detail)
			}
		})
	}
	var page struct{ Messages []struct{ Text string } }
	json.Unmarshal(e.must(t, 200, "israel", "GET", msgs, nil), &page)
	if len(page.Messages) != 1 || page.Messages[0].Text != "fine" {
		t.Fatalf("stored: %+v", page.Messages)
	}
}

// TestCreatedOnlyForCreation: 201 with a Location that can be fetched when
// something is created; 200 for changes of state.
func TestCreatedOnlyForCreation(t *testing.T) {
	e := newEnv(t)
	created := func(user, path string, body any) string {
		t.Helper()
		req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(mustJSON(t, body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 201 || loc == "" {
			t.Fatalf("POST %s: %d, Location %q", path, resp.StatusCode, loc)
		}
		return loc
	}
	fetch := func(user, loc string) {
		t.Helper()
		e.must(t, 200, user, "GET", loc, nil)
	}
	fetch("operator", created("operator", "/api/v1/talks", map[string]string{"title": "Second track"}))
	fetch("operator", created("operator", "/api/v1/users", map[string]any{"name": "egypt", "password": "long enough password"}))
	fetch("qatar", created("qatar", e.talks("/delegations"), map[string]string{"name": "Egypt", "kind": "mediator"}))
	fetch("qatar", created("qatar", e.talks("/delegations/egypt/members"), map[string]string{"user": "egypt", "role": "head"}))
	src := created("israel", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "an offer"})
	fetch("israel", src)
	id := src[strings.LastIndexByte(src, '/')+1:]
	fetch("qatar", created("qatar", e.talks("/relays"), map[string]string{"source_room": "caucus:israel", "message_id": id,
		"target_room": "caucus:hamas", "mode": "verbatim", "attribution": "anonymous"}))
	tok := created("israel", "/api/v1/tokens", map[string]string{"name": "my script"})
	fetch("israel", tok)
	e.must(t, 404, "israel2", "GET", tok, nil) // another's token is not there
	var list parleyhttp.TokenList
	json.Unmarshal(e.must(t, 200, "israel", "GET", "/api/v1/tokens", nil), &list)
	found := false
	for _, k := range list.Tokens {
		found = found || "/api/v1/tokens/"+k.ID == tok && k.Name == "my script"
	}
	if !found {
		t.Fatalf("token %s not listed: %+v", tok, list)
	}
	e.must(t, 204, "israel", "DELETE", tok, nil)
	e.must(t, 404, "israel", "DELETE", tok, nil)

	for _, c := range []struct {
		user, path string
		body       any
	}{
		{"qatar", e.talks("/status"), map[string]string{"action": "suspend", "reason": "a pause"}},
		{"qatar", e.talks("/status"), map[string]string{"action": "resume"}},
		{"qatar", e.talks("/plenary"), map[string]bool{"open": true}},
		{"hamas", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "away"}},
	} {
		req, _ := http.NewRequest("POST", e.srv.URL+c.path, strings.NewReader(mustJSON(t, c.body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.tokens[c.user])
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Location") != "" {
			t.Errorf("POST %s (a change, not a creation): %d, Location %q", c.path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOneShape: lists are [] and never null; a talks is the same object
// listed or fetched; "seq" means the ledger sequence only.
func TestOneShape(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ user, path, want string }{
		{"outsider", "/api/v1/talks", `"talks": []`},
		{"israel", e.talks("/search?q=nothing+like+this"), `"messages": []`},
		{"israel", e.talks("/rooms/caucus:israel/messages"), `"messages": []`},
		{"israel", "/api/v1/tokens", `"tokens": [`},
		{"operator", e.talks(""), `"rooms": []`},
	} {
		body := compact(e.must(t, 200, c.user, "GET", c.path, nil))
		if !strings.Contains(body, strings.ReplaceAll(c.want, " ", "")) || strings.Contains(body, "null") {
			t.Errorf("GET %s as %s: %s, want %s and no null", c.path, c.user, body, c.want)
		}
	}
	var list struct{ Talks []json.RawMessage }
	json.Unmarshal(e.must(t, 200, "israel", "GET", "/api/v1/talks", nil), &list)
	one := e.must(t, 200, "israel", "GET", e.talks(""), nil)
	if len(list.Talks) != 1 || compact(list.Talks[0]) != compact(one) {
		t.Fatalf("listed:\n%s\nfetched:\n%s", list.Talks, one)
	}
	body := e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "numbered"})
	var m map[string]any
	json.Unmarshal(body, &m)
	if _, ok := m["seq"]; ok || m["room_seq"] != 1.0 || m["event_seq"] == nil {
		t.Fatalf("a message names its numbers room_seq and event_seq: %s", body)
	}
}

func compact(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
