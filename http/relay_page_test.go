package http_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRelayPageSafeguards: the relay form offers only the rooms the
// message may go to and defaults to the narrowest disclosure, a
// paraphrase and anonymity; a wording typed in verbatim mode is refused in
// place, never dropped; the preview warns when an anonymous text names a
// delegation or a member, and says the relay will be held when the target
// party has withdrawn.
func TestRelayPageSafeguards(t *testing.T) {
	e := newEnv(t)
	var m struct{ ID string }
	json.Unmarshal(e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"),
		map[string]string{"text": "Israel could accept a phased release; tell them User israel2 drafted it.", "disclosure": "relayable"}), &m)
	c := e.browser(t, "qatar")
	form := e.srv.URL + "/talks/" + e.TalksID + "/relay?room=caucus:israel&message=" + m.ID
	code, body := get(t, c, form)
	if code != 200 {
		t.Fatalf("relay form: %d", code)
	}
	mustContain(t, "the relay form", body,
		`value="caucus:hamas" required`, `value="mediators" required`,
		`value="paraphrase" checked`, `value="anonymous" checked`, `value="mediator-only" checked`)
	for _, not := range []string{`value="caucus:israel" required`, `value="briefing"`, `value="public"`} {
		if strings.Contains(body, not) {
			t.Errorf("the relay form offers %s", not)
		}
	}
	if strings.Contains(body, "held until they re-engage") {
		t.Error("a held notice while every party is engaged")
	}
	post := func(f url.Values) (int, string) {
		t.Helper()
		f.Set("source_room", "caucus:israel")
		f.Set("message_id", m.ID)
		f.Set("step", "preview")
		resp, err := c.PostForm(e.srv.URL+"/talks/"+e.TalksID+"/relay", f)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Anonymous, word for word: the text names Israel and a member.
	verbatim := url.Values{"target_room": {"caucus:hamas"}, "mode": {"verbatim"}, "attribution": {"anonymous"}, "disclosure": {"relayable"},
		"text": {"Israel could accept a phased release; tell them User israel2 drafted it."}}
	code, body = post(verbatim)
	if code != 200 {
		t.Fatalf("preview: %d", code)
	}
	mustContain(t, "the anonymous verbatim preview", body, "You relay this anonymously, but the text names: israel", "User israel2", `name="digest"`)
	// Attributed: no warning, the recipients are told anyway.
	attributed := url.Values{}
	for k, v := range verbatim {
		attributed[k] = v
	}
	attributed.Set("attribution", "attributed")
	if _, body = post(attributed); strings.Contains(body, "The recipients may guess") {
		t.Error("a warning on an attributed relay")
	}
	// A paraphrase that names nobody: no warning.
	neutral := url.Values{"target_room": {"caucus:hamas"}, "mode": {"paraphrase"}, "attribution": {"anonymous"}, "disclosure": {"relayable"},
		"text": {"The other side may accept a phased release."}}
	if _, body = post(neutral); strings.Contains(body, "The recipients may guess") || !strings.Contains(body, "The other side may accept a phased release.") {
		t.Errorf("the neutral paraphrase's preview:\n%s", body)
	}
	// A new wording in verbatim mode is refused in place, the words kept.
	changed := url.Values{"target_room": {"caucus:hamas"}, "mode": {"verbatim"}, "attribution": {"anonymous"}, "disclosure": {"relayable"},
		"text": {"My own summary of their view"}}
	_, body = post(changed)
	mustContain(t, "verbatim with new words", body, "You changed the wording but chose verbatim", "My own summary of their view")
	if strings.Contains(body, `name="digest"`) {
		t.Error("a preview of a verbatim relay with changed words")
	}

	// Hamas withdraws: its caucus is marked, and the preview says the relay
	// will be held.
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "consultations"})
	_, body = get(t, c, form)
	mustContain(t, "the relay form after Hamas withdrew", body, "(withdrawn: held until they re-engage)")
	code, body = post(neutral)
	if code != http.StatusOK {
		t.Fatalf("preview to a withdrawn party: %d", code)
	}
	mustContain(t, "the preview to a withdrawn party", body, "has withdrawn from the talks: the relay will be held")
	// To the mediators' room, nothing is held.
	toMediators := url.Values{}
	for k, v := range neutral {
		toMediators[k] = v
	}
	toMediators.Set("target_room", "mediators")
	if _, body = post(toMediators); strings.Contains(body, "the relay will be held") {
		t.Error("a held notice for the mediators' room")
	}
}
