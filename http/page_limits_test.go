package http_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	parleyhttp "parley/http"
)

// TestPagePostsAreLimited: posting a message and relaying one from the
// pages are writes like the API's, held to the same per-account limit; a
// browser form is no way around it.
func TestPagePostsAreLimited(t *testing.T) {
	e := newEnvConfig(t, func(s *parleyhttp.Server, _ string) { s.ScaleLimits(1) })
	post := func(c *http.Client, path string, form url.Values, fetch bool) int {
		req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if fetch {
			req.Header.Set("X-Parley-Fetch", "1")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, fetch := range []bool{false, true} {
		c := e.browser(t, "israel")
		if fetch {
			c = e.browser(t, "israel2")
		}
		limited := false
		for i := 0; i < 60 && !limited; i++ {
			code := post(c, "/talks/"+e.TalksID+"/rooms/caucus:israel/post", url.Values{"text": {fmt.Sprint("burst ", i)}, "disclosure": {"relayable"}}, fetch)
			limited = code == http.StatusTooManyRequests
		}
		if !limited {
			t.Errorf("60 messages posted from the room page (fetch %v) in a burst were not limited", fetch)
		}
	}
	// Relays from the relay page.
	var m struct{ ID string }
	decodeJSON(t, e.must(t, 201, "hamas", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "relay me", "disclosure": "relayable"}), &m)
	c := e.browser(t, "qatar")
	limited := false
	for i := 0; i < 60 && !limited; i++ {
		f := url.Values{"source_room": {"caucus:hamas"}, "message_id": {m.ID}, "target_room": {"caucus:israel"}, "mode": {"paraphrase"},
			"attribution": {"anonymous"}, "disclosure": {"relayable"}, "text": {fmt.Sprint("passed on ", i)}, "step": {"preview"}}
		limited = post(c, "/talks/"+e.TalksID+"/relay", f, false) == http.StatusTooManyRequests
	}
	if !limited {
		t.Errorf("60 relay submissions from the relay page in a burst were not limited")
	}
}

// TestStrictLimitsStillAllowSome: a scale below one makes the limits
// stricter, never a refusal of every write; a huge one does not wrap
// round into refusing everything either.
func TestStrictLimitsStillAllowSome(t *testing.T) {
	for _, k := range []float64{0.01, 1e30} {
		e := newEnvConfig(t, func(s *parleyhttp.Server, _ string) { s.ScaleLimits(k) })
		e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "one"})
	}
}
