package http_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley/talks"
)

// TestPagesAtAGlance: the talks list shows unread counts, the last message
// and the nearest deadline; the dashboard names rooms as people say them,
// with the last activity of each and a "new since your last visit" line;
// opening a room clears its count (stored on the server, so another
// browser of the same user sees it too); times carry the UTC time on
// hover.
func TestPagesAtAGlance(t *testing.T) {
	e := newEnv(t)
	now := e.Talks.Now()
	for _, d := range []talks.NewDeadline{
		{Title: "Second round", DueAt: now.Add(30 * 24 * time.Hour), SetBy: "the mediators"},
		{Title: "Prisoner list due", DueAt: now.Add(3*24*time.Hour + time.Hour), SetBy: "the mediators"},
	} {
		e.must(t, 201, "qatar", "POST", e.talks("/deadlines"), d)
	}
	for _, text := range []string{"First point", "Second point"} {
		e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": text})
	}
	c := e.browser(t, "qatar")
	_, list := get(t, c, e.srv.URL+"/talks")
	mustContain(t, "the talks list", list, `<span class="unread">2 new</span>`, "Last message", "Next deadline:", "Prisoner list due", "3 days left")
	if strings.Contains(list, "Second round") {
		t.Error("the talks list shows a later deadline than the nearest")
	}
	_, dash := get(t, c, e.srv.URL+"/talks/"+e.TalksID)
	mustContain(t, "the dashboard", dash, "2 new messages since your last visit.", "israel caucus", "Mediators only", "Last message", "No messages yet.")
	// Every time shown is in a <time> with its instant, and the UTC time on hover.
	times := regexp.MustCompile(`<time class="local" datetime="[0-9T:\-]+Z" title="[^"]+ UTC">`).FindAllString(dash, -1)
	if len(times) == 0 || strings.Count(dash, "<time") != len(times) {
		t.Errorf("%d of %d times carry their instant and UTC title", len(times), strings.Count(dash, "<time"))
	}

	// Opening the room marks it read; a second browser of the same user
	// sees the count gone.
	if code, _ := get(t, c, e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel"); code != http.StatusOK {
		t.Fatalf("room: %d", code)
	}
	other := e.browser(t, "qatar")
	_, list = get(t, other, e.srv.URL+"/talks")
	if strings.Contains(list, `class="unread"`) {
		t.Error("the count stays after the room was read")
	}
	_, dash = get(t, other, e.srv.URL+"/talks/"+e.TalksID)
	if strings.Contains(dash, "since your last visit") {
		t.Error(`"new since your last visit" after everything was read`)
	}
	// The other mediator has read nothing: the counts are per user.
	_, list = get(t, e.browser(t, "envoy"), e.srv.URL+"/talks")
	mustContain(t, "envoy's talks list", list, `<span class="unread">2 new</span>`)
}

// TestLanguageFromBrowser: with no choice saved, the interface follows the
// browser's Accept-Language, signed in or not, right to left for Hebrew
// and Arabic.
func TestLanguageFromBrowser(t *testing.T) {
	e := newEnv(t)
	fetch := func(c *http.Client, lang, path string) string {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if s := fetch(&http.Client{}, "he-IL,he;q=0.9,en;q=0.5", "/login"); !strings.Contains(s, `<html lang="he" dir="rtl">`) {
		t.Errorf("sign-in page for a Hebrew browser:\n%.300s", s)
	}
	c := e.browser(t, "hamas")
	if s := fetch(c, "ar", "/talks"); !strings.Contains(s, `<html lang="ar" dir="rtl">`) {
		t.Errorf("talks list for an Arabic browser:\n%.300s", s)
	}
	if s := fetch(c, "fr-FR,de;q=0.8", "/talks"); !strings.Contains(s, `<html lang="en" dir="ltr">`) {
		t.Errorf("talks list for a browser in languages parley lacks:\n%.300s", s)
	}
}

// TestRoomLiveRefreshLeavesUnread: the script reads a room page anew to
// refresh its live regions when something else happens in the talks, even
// in a tab nobody looks at; that read is not the user opening the room, so
// what arrived meanwhile stays unread.
func TestRoomLiveRefreshLeavesUnread(t *testing.T) {
	e := newEnv(t)
	for _, text := range []string{"First point", "Second point"} {
		e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": text})
	}
	c := e.browser(t, "qatar")
	req, err := http.NewRequest("GET", e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Parley-Fetch", "1")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("room read by the script: %d", resp.StatusCode)
	}
	_, list := get(t, c, e.srv.URL+"/talks")
	mustContain(t, "the talks list after a refresh of the room's live regions", list, `<span class="unread">2 new</span>`)
}
