package http_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley"
	parleyhttp "parley/http"
	"parley/internal/fixture"
	"parley/talks"
)

func TestLifecycleAPI(t *testing.T) {
	e := newEnv(t)
	status := e.talks("/status")
	e.must(t, 400, "qatar", "POST", status, map[string]string{"action": "suspend"})
	e.must(t, 403, "israel", "POST", status, map[string]string{"action": "suspend", "reason": "x"})
	e.must(t, 409, "qatar", "POST", status, map[string]string{"action": "resume"})
	out := e.must(t, 200, "qatar", "POST", status, map[string]string{"action": "suspend", "reason": "deadlock on phase two"})
	var k parley.Talks
	json.Unmarshal(out, &k)
	if k.Status != parley.TalksSuspended || k.StatusReason != "deadlock on phase two" {
		t.Fatalf("suspended talks: %s", out)
	}
	e.must(t, 200, "qatar", "POST", status, map[string]string{"action": "resume"})

	pres := func(del string) string { return e.talks("/delegations/" + del + "/presence") }
	e.must(t, 409, "israel", "POST", pres("qatar"), map[string]string{"action": "suspend", "reason": "bias"})
	e.must(t, 409, "qatar", "POST", pres("qatar"), map[string]string{"action": "resume"})
	e.must(t, 400, "qatar", "POST", pres("qatar"), map[string]string{"action": "suspend"})
	e.must(t, 200, "qatar", "POST", pres("qatar"), map[string]string{"action": "suspend", "reason": "lack of good faith from both parties"})
	e.must(t, 200, "qatar", "POST", pres("qatar"), map[string]string{"action": "resume"})
	e.must(t, 404, "israel", "POST", pres("nobody"), map[string]string{"action": "withdraw", "reason": "x"})
	e.must(t, 400, "hamas", "POST", pres("hamas"), map[string]string{"action": "vanish"})

	e.must(t, 200, "qatar", "POST", status, map[string]string{"action": "collapse", "reason": "deadline passed"})
	e.must(t, 409, "qatar", "POST", status, map[string]string{"action": "conclude"})
	e.must(t, 409, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "too late"})

	var v talks.View
	json.Unmarshal(e.must(t, 200, "israel", "GET", e.talks(""), nil), &v)
	if v.Talks.Status != parley.TalksCollapsed || v.Mine == nil || v.Mine.Slug != "israel" || len(v.Delegations) != 5 {
		t.Fatalf("view: %+v", v)
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	msgs := e.talks("/rooms/caucus:israel/messages")
	for _, tc := range []struct {
		name string
		body any
		want int
	}{
		{"Empty", map[string]string{"text": ""}, 400},
		{"Blank", map[string]string{"text": " \t\n"}, 400},
		{"UnknownDisclosure", map[string]string{"text": "x", "disclosure": "top-secret"}, 400},
		{"WrongType", `{"text": 42}`, 400},
		{"UnknownField", `{"text": "x", "room": "caucus:hamas"}`, 400},
		{"Malformed", `{"text": "x"`, 400},
		{"Trailing", `{"text": "x"} {"text": "y"}`, 400},
		{"NoBody", "", 400},
		{"Oversize", map[string]string{"text": strings.Repeat("x", parley.MaxMessageBytes+1)}, 413},
		{"HugeBody", `{"text": "` + strings.Repeat("x", 1<<20) + `"}`, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.must(t, tc.want, "israel", "POST", msgs, tc.body)
		})
	}
	// Nothing of the refused requests was written.
	var p talks.Page
	json.Unmarshal(e.must(t, 200, "israel", "GET", msgs, nil), &p)
	if len(p.Messages) != 0 {
		t.Fatalf("refused input was stored: %+v", p.Messages)
	}
	e.must(t, 201, "israel", "POST", msgs, map[string]string{"text": strings.Repeat("x", parley.MaxMessageBytes)})
	e.must(t, 400, "israel", "GET", msgs+"?after=-1", nil)
	e.must(t, 400, "israel", "GET", msgs+"?after=abc", nil)
	e.must(t, 400, "israel", "GET", msgs+"?limit=100000", nil)
	e.must(t, 400, "israel", "GET", e.talks("/search?q="), nil)
	e.must(t, 404, "israel", "GET", "/api/v1/nothing", nil)
	e.must(t, 405, "", "DELETE", e.talks(""), nil)
	e.must(t, 401, "", "GET", "/api/v1/talks", nil)
	e.must(t, 401, "", "GET", "/api/v1/talks", nil)
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/talks", nil)
	req.Header.Set("Authorization", "Bearer not-a-token")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Fatalf("forged token: %v %v", resp.StatusCode, err)
	}
	e.must(t, 400, "israel", "GET", "/api/v1/events?last_event_id=x", nil)
	e.must(t, 400, "israel", "POST", e.talks("/plenary"), map[string]string{})
}

func TestPagination(t *testing.T) {
	e := newEnv(t)
	msgs := e.talks("/rooms/caucus:israel/messages")
	for i := 1; i <= 7; i++ {
		e.must(t, 201, "israel", "POST", msgs, map[string]string{"text": fmt.Sprintf("m%d", i)})
	}
	var got []string
	after := ""
	for pages := 0; pages < 10; pages++ {
		var p talks.Page
		json.Unmarshal(e.must(t, 200, "israel2", "GET", msgs+"?limit=3&after="+after, nil), &p)
		for _, m := range p.Messages {
			got = append(got, m.Text)
		}
		if p.Next == "" {
			break
		}
		after = p.Next
	}
	if strings.Join(got, ",") != "m1,m2,m3,m4,m5,m6,m7" {
		t.Fatalf("paged: %v", got)
	}
}

func TestRelayAndWithdrawalAPI(t *testing.T) {
	e := newEnv(t)
	var src parley.Message
	json.Unmarshal(e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "offer: 30 for 90", "disclosure": "relayable"}), &src)
	var secret parley.Message
	json.Unmarshal(e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "never tell them", "disclosure": "mediator-only"}), &secret)
	relay := map[string]string{"source_room": "caucus:israel", "message_id": secret.ID, "target_room": "caucus:hamas", "mode": "verbatim", "attribution": "attributed"}
	e.must(t, 403, "qatar", "POST", e.talks("/relays"), relay)
	relay["message_id"] = src.ID
	e.must(t, 403, "israel", "POST", e.talks("/relays"), relay)

	// Hamas withdraws; the relay reaches its caucus but is held.
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "appearances over substance"})
	var relayed parley.Message
	json.Unmarshal(e.must(t, 201, "qatar", "POST", e.talks("/relays"), relay), &relayed)
	if relayed.Relay == nil || relayed.Relay.SourceMessage != src.ID {
		t.Fatalf("mediator's view of the relay: %+v", relayed.Relay)
	}
	var p talks.Page
	json.Unmarshal(e.must(t, 200, "hamas", "GET", e.talks("/rooms/caucus:hamas/messages"), nil), &p)
	if len(p.Messages) != 0 || p.Held != 1 {
		t.Fatalf("withdrawn party sees %+v", p)
	}
	e.must(t, 404, "hamas", "GET", e.talks("/rooms/caucus:hamas/messages/"+relayed.ID), nil)
	e.must(t, 409, "hamas", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "x"})
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "re-engage"})

	body := e.must(t, 200, "hamas", "GET", e.talks("/rooms/caucus:hamas/messages/"+relayed.ID), nil)
	var got parley.Message
	json.Unmarshal(body, &got)
	if got.Text != src.Text || got.Relay.FromName != "israel" {
		t.Fatalf("recipient: %s", body)
	}
	for _, leak := range []string{src.ID, "caucus:israel", e.U("israel").ID, "source_"} {
		if strings.Contains(string(body), leak) {
			t.Errorf("recipient's view contains %q: %s", leak, body)
		}
	}
}

func TestEventStreamResume(t *testing.T) {
	e := newEnv(t)
	post := func(user, room, text string) {
		e.must(t, 201, user, "POST", e.talks("/rooms/"+room+"/messages"), map[string]string{"text": text})
	}
	// A new connection starts at the present; history comes on request.
	s := e.openStream(t, "israel", -1, "?talks="+e.TalksID)
	if first := s.collect(200 * time.Millisecond); len(first) != 0 {
		t.Fatalf("a new stream replayed %d events of history", len(first))
	}
	hist := e.openStream(t, "israel", -1, "?from=0&talks="+e.TalksID).collectUntil(func(evs []sseEvent) bool { return len(evs) > 0 }, 200*time.Millisecond)
	if len(hist) == 0 || hist[0].Kind != parley.EventTalksCreated {
		t.Fatalf("?from=0 replayed %+v", hist)
	}
	for _, bad := range []string{"?from=-1", "?from=x", "?last_event_id=-2"} {
		e.must(t, 400, "israel", "GET", "/api/v1/events"+bad, nil)
	}
	post("israel", "caucus:israel", "one")
	post("hamas", "caucus:hamas", "hidden")
	post("qatar", "caucus:israel", "two")
	evs := s.collectUntil(func(evs []sseEvent) bool { return len(evs) >= 2 }, 300*time.Millisecond)
	if len(evs) != 2 || !strings.Contains(evs[0].Data, `"one"`) || !strings.Contains(evs[1].Data, `"two"`) {
		t.Fatalf("live events: %+v", evs)
	}
	last := evs[1].ID
	s.close()

	// Missed while away: three in israel's caucus, two elsewhere.
	post("israel2", "caucus:israel", "three")
	post("hamas", "caucus:hamas", "hidden again")
	post("qatar", "mediators", "hidden too")
	post("qatar", "caucus:israel", "four")
	post("israel", "caucus:israel", "five")

	s2 := e.openStream(t, "israel", last, "")
	post("israel", "caucus:israel", "six")
	got := s2.collectUntil(func(evs []sseEvent) bool { return len(evs) >= 4 }, 300*time.Millisecond)
	var texts []string
	prev := last
	for _, ev := range got {
		if ev.ID <= prev {
			t.Fatalf("event %d after %d: out of order or duplicated", ev.ID, prev)
		}
		prev = ev.ID
		var pe struct{ Data parley.Message }
		json.Unmarshal([]byte(ev.Data), &pe)
		texts = append(texts, pe.Data.Text)
	}
	if strings.Join(texts, ",") != "three,four,five,six" {
		t.Fatalf("resumed stream: %v", texts)
	}
}

func TestEventStreamLaggingSubscriberCatchesUp(t *testing.T) {
	e := newEnv(t)
	s := e.openStream(t, "qatar", e.lastSeq(t), "")
	// More events than a subscriber buffer holds, posted directly so the
	// stream falls behind and is cut off from the bus.
	const n = 600
	for i := 0; i < n; i++ {
		if _, err := e.Talks.Post(ctx(), e.U("qatar"), e.TalksID, "mediators", talks.NewMessage{Text: fmt.Sprint(i), Disclosure: parley.MediatorOnly}); err != nil {
			t.Fatal(err)
		}
	}
	got := s.collect(time.Second)
	seen := map[int64]bool{}
	for _, ev := range got {
		if seen[ev.ID] {
			t.Fatalf("duplicate event %d", ev.ID)
		}
		seen[ev.ID] = true
	}
	if len(got) != n {
		t.Fatalf("got %d events, want %d", len(got), n)
	}
}

func TestCookieLoginAndCSRF(t *testing.T) {
	e := newEnv(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := c.PostForm(e.srv.URL+"/login", url.Values{"name": {"israel"}, "password": {"wrong password"}})
	if resp.StatusCode != 401 {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	resp, _ = c.PostForm(e.srv.URL+"/login", url.Values{"name": {"israel"}, "password": {fixture.Password}})
	if resp.StatusCode != 303 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, _ = c.Get(e.srv.URL + "/talks/" + e.TalksID + "/rooms/caucus:israel")
	if resp.StatusCode != 200 {
		t.Fatalf("room page: %d", resp.StatusCode)
	}
	resp, _ = c.Get(e.srv.URL + "/talks/" + e.TalksID + "/rooms/caucus:hamas")
	if resp.StatusCode != 404 {
		t.Fatalf("other caucus page: %d", resp.StatusCode)
	}
	// A cross-site form post with the victim's cookie is refused.
	req, _ := http.NewRequest("POST", e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel/post", strings.NewReader("text=forged"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, _ = c.Do(req)
	if resp.StatusCode != 403 {
		t.Fatalf("cross-site post: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("POST", e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel/post", strings.NewReader("text=genuine&disclosure=relayable"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, _ = c.Do(req)
	if resp.StatusCode != 303 {
		t.Fatalf("same-origin post: %d", resp.StatusCode)
	}
	// Session cookies do not work as bearer tokens and vice versa.
	e.must(t, 200, "israel", "GET", "/api/v1/me", nil)
	var p talks.Page
	resp, _ = c.Get(e.srv.URL + e.talks("/rooms/caucus:israel/messages"))
	json.NewDecoder(resp.Body).Decode(&p)
	if len(p.Messages) != 1 || p.Messages[0].Text != "genuine" {
		t.Fatalf("messages after form post: %+v", p.Messages)
	}
	if resp, _ = c.PostForm(e.srv.URL+"/logout", nil); resp.StatusCode != 303 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	resp, _ = c.Get(e.srv.URL + e.talks("/rooms/caucus:israel/messages"))
	if resp.StatusCode != 401 {
		t.Fatalf("after logout: %d", resp.StatusCode)
	}
}

// TestEventStreamReleasesHeldMessages checks that a party connected while
// withdrawn gets the messages held for it when it re-engages, once.
func TestEventStreamReleasesHeldMessages(t *testing.T) {
	e := newEnv(t)
	s := e.openStream(t, "hamas", e.lastSeq(t), "")
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "away"})
	e.must(t, 201, "qatar", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "held one"})
	e.must(t, 201, "envoy", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "held two"})
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "re-engage"})
	e.must(t, 201, "qatar", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "after"})
	evs := s.collect(300 * time.Millisecond)
	var got []string
	var lastID int64
	for _, ev := range evs {
		var pe struct {
			Kind string
			Data struct{ Text, Presence string }
		}
		json.Unmarshal([]byte(ev.Data), &pe)
		label := pe.Kind + ":" + pe.Data.Text + pe.Data.Presence
		if ev.ID == 0 {
			label += "(released)"
		} else {
			lastID = ev.ID
		}
		got = append(got, label)
	}
	want := "delegation.presence:withdrawn,message.posted:held one(released),message.posted:held two(released),delegation.presence:engaged,message.posted:after"
	if strings.Join(got, ",") != want {
		t.Fatalf("stream:\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
	s.close()
	// Reconnecting from the last id repeats nothing.
	again := e.openStream(t, "hamas", lastID, "").collect(200 * time.Millisecond)
	if len(again) != 0 {
		t.Fatalf("after resuming: %+v", again)
	}
	// A new connection from before the withdrawal sees everything once, in
	// the same order: what was held arrives with the re-engagement, as it
	// did live, so that a client resuming anywhere never gets it twice.
	all := e.openStream(t, "hamas", 0, "").collectUntil(func(evs []sseEvent) bool {
		return len(evs) > 0 && strings.Contains(evs[len(evs)-1].Data, `"text":"after"`)
	}, 200*time.Millisecond)
	var texts []string
	var ids []int64
	for _, ev := range all {
		if ev.ID != 0 {
			ids = append(ids, ev.ID)
		}
		if strings.Contains(ev.Data, `"text"`) {
			var pe struct{ Data struct{ Text string } }
			json.Unmarshal([]byte(ev.Data), &pe)
			texts = append(texts, pe.Data.Text)
		}
	}
	if strings.Join(texts, ",") != "held one,held two,after" {
		t.Fatalf("fresh scan: %v", texts)
	}
	// Resuming from any id, even one inside the withdrawal, repeats nothing
	// already sent and loses nothing.
	for _, from := range ids {
		var got []string
		for _, ev := range e.openStream(t, "hamas", from, "").collect(150 * time.Millisecond) {
			if strings.Contains(ev.Data, `"text"`) {
				var pe struct{ Data struct{ Text string } }
				json.Unmarshal([]byte(ev.Data), &pe)
				got = append(got, pe.Data.Text)
			}
		}
		seen := map[string]int{}
		for _, x := range got {
			seen[x]++
			if seen[x] > 1 {
				t.Fatalf("resumed after %d: %q twice in %v", from, x, got)
			}
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	login := func(name, password string) int {
		resp, err := http.Post(e.srv.URL+"/api/v1/login", "application/json", strings.NewReader(`{"name":"`+name+`","password":"`+password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	limited := false
	for i := 0; i < 20 && !limited; i++ {
		switch code := login("israel", "guess number "+fmt.Sprint(i)); code {
		case 401:
		case 429:
			limited = true
		default:
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	if !limited {
		t.Fatal("20 wrong passwords in a row were never rate limited")
	}
	// The right password is refused too while limited: guessing cannot
	// tell which attempt was right.
	if code := login("israel", fixture.Password); code != 429 {
		t.Fatalf("right password while limited: %d", code)
	}
}

func TestRevokeToken(t *testing.T) {
	e := newEnv(t)
	e.must(t, 200, "israel", "GET", "/api/v1/me", nil)
	if code, _ := e.do(t, "israel", "DELETE", "/api/v1/tokens/current", nil); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	e.must(t, 401, "israel", "GET", "/api/v1/me", nil)
	e.must(t, 200, "israel2", "GET", "/api/v1/me", nil)
}

// TestEventStreamOutlivesReadTimeout runs the real server with a short
// request read timeout and checks that an open stream still delivers.
func TestEventStreamOutlivesReadTimeout(t *testing.T) {
	fx := fixture.New(t)
	s := parleyhttp.NewServer(fx.Talks, fx.Auth)
	s.ReadTimeout = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Serve(ctx, ln)
	tok, _, _ := fx.Auth.IssueToken(ctx, fx.U("israel"), "test")
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+ln.Addr().String()+"/api/v1/events?last_event_id=0", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			got <- sc.Text()
		}
		close(got)
	}()
	time.Sleep(600 * time.Millisecond) // well past the read timeout
	if _, err := fx.Talks.Post(ctx, fx.U("israel"), fx.TalksID, "caucus:israel", talks.NewMessage{Text: "still here"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(3 * time.Second)
	for {
		select {
		case line, ok := <-got:
			if !ok {
				t.Fatal("stream closed")
			}
			if strings.Contains(line, "still here") {
				return
			}
		case <-deadline:
			t.Fatal("message not delivered after the read timeout")
		}
	}
}

// TestFreshStreamGetsHeldMessages: a stream that has seen no event of the
// talks yet (it resumed from the latest id while the party was withdrawn)
// still receives what was held for the party when it re-engages.
func TestFreshStreamGetsHeldMessages(t *testing.T) {
	e := newEnv(t)
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "away"})
	e.must(t, 201, "qatar", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "held one"})
	e.must(t, 201, "envoy", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "held two"})
	last, err := e.Talks.LastSeq(ctx())
	if err != nil {
		t.Fatal(err)
	}
	s := e.openStream(t, "hamas", last, "?talks="+e.TalksID)
	if evs := s.collect(150 * time.Millisecond); len(evs) != 0 {
		t.Fatalf("before re-engaging: %+v", evs)
	}
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "re-engage"})
	var got []string
	for _, ev := range s.collect(300 * time.Millisecond) {
		var pe struct {
			Data struct{ Text, Presence string }
		}
		json.Unmarshal([]byte(ev.Data), &pe)
		got = append(got, ev.Kind+":"+pe.Data.Text+pe.Data.Presence)
	}
	want := "message.posted:held one,message.posted:held two,delegation.presence:engaged"
	if strings.Join(got, ",") != want {
		t.Fatalf("stream:\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
}
