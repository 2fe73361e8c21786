package http_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parley/talks"
)

// TestBrowserListsLive: lists other than a room follow the talks live,
// rendered by the server exactly as on reload: a party's talks list counts
// a mediator's new message, its deadlines page shows a deadline just set,
// and its dashboard shows the other party withdrawing and a meeting just
// recorded.
func TestBrowserListsLive(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	base, id := e.srv.URL, "/talks/"+e.TalksID
	ctx := browser(t, bin)
	signIn(t, ctx, base, "israel")
	follows := func(page, region, want string, change func()) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+page), chromedp.WaitVisible(`[data-live=`+region+`]`)); err != nil {
			t.Fatal(err)
		}
		eval[bool](t, ctx, `window.parleyMarker = 1; true`)
		time.Sleep(300 * time.Millisecond) // the page's stream connects
		sel := `document.querySelector('[data-live=` + region + `]')`
		if eval[bool](t, ctx, `(`+sel+`.textContent || "").includes("`+want+`")`) {
			t.Fatalf("%s shows %q before the change", page, want)
		}
		change()
		if !waitFor(t, ctx, `(`+sel+`.textContent || "").includes("`+want+`")`, 3*time.Second) {
			t.Fatalf("%s: %q did not arrive live: %s", page, want, eval[string](t, ctx, sel+`.textContent`))
		}
		if !eval[bool](t, ctx, `window.parleyMarker === 1`) {
			t.Errorf("%s reloaded instead of updating in place", page)
		}
		live := eval[string](t, ctx, sel+`.outerHTML`)
		if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(`[data-live=`+region+`]`)); err != nil {
			t.Fatal(err)
		}
		if reloaded := eval[string](t, ctx, sel+`.outerHTML`); live != reloaded {
			t.Errorf("%s: live and reloaded renderings differ:\n%s\n%s", page, live, reloaded)
		}
	}
	follows("/talks", "talks", "1 new", func() {
		e.must(t, 201, "qatar", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "A question for you"})
	})
	follows(id+"/deadlines", "deadlines", "Prisoner list due", func() {
		e.must(t, 201, "qatar", "POST", e.talks("/deadlines"), talks.NewDeadline{Title: "Prisoner list due", DueAt: e.Talks.Now().Add(72 * time.Hour), SetBy: "the mediators"})
	})
	follows(id, "delegations", "withdrawn", func() {
		e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "consultations"})
	})
	// The dashboard's figures (deadline countdown, latest meetings and
	// reports) follow too.
	follows(id, "glance", "Barnea and Al Thani", func() {
		e.must(t, 201, "israel", "POST", e.talks("/meetings"), vienna())
	})
}

// TestBrowserLongWordAndKeyboard: a 20 000-letter word in a room wraps
// instead of widening the page at 375 px; the page can be walked with the
// Tab key from a skip link to the content, every stop showing a visible
// focus outline.
func TestBrowserLongWordAndKeyboard(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": strings.Repeat("w", 20000)})
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "israel")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 812), chromedp.Navigate(e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel"),
		chromedp.WaitVisible(`#messages`)); err != nil {
		t.Fatal(err)
	}
	if w := eval[int64](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
		t.Errorf("a long word makes the room %d px wide at 375 px", w)
	}
	if w := eval[int64](t, ctx, `Math.round(document.querySelector('#messages .msg .text').getBoundingClientRect().width)`); w > 375 {
		t.Errorf("the long word's message is %d px wide", w)
	}
	// Keyboard: the first Tab stop is the skip link, then every stop shows
	// its focus.
	const focused = `(() => { const a = document.activeElement, s = getComputedStyle(a);
		return a.tagName + (a.className ? '.' + a.className : '') + '|' + s.outlineStyle + '|' + parseFloat(s.outlineWidth) })()`
	for i := 0; i < 12; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		f := strings.Split(eval[string](t, ctx, focused), "|")
		if i == 0 && f[0] != "A.skip" {
			t.Errorf("the first Tab stop is %s, not the skip link", f[0])
		}
		if w, _ := strconv.ParseFloat(f[2], 64); f[0] == "BODY" || f[1] == "none" || w < 2 {
			t.Errorf("Tab stop %d (%s): no visible focus (outline %s %s px)", i+1, f[0], f[1], f[2])
		}
	}
}

// TestBrowserDraftsOfEveryForm: what is typed into a text revision, a
// party's positions and a relay survives a reload, as a room's post does.
func TestBrowserDraftsOfEveryForm(t *testing.T) {
	bin := chromium(t)
	e := newDemoEnv(t)
	id := e.srv.URL + "/talks/" + e.TalksID
	keeps := func(ctx context.Context, page, field, typed string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(field)); err != nil {
			t.Fatal(err)
		}
		value := `document.querySelector('` + field + `').value`
		before := eval[string](t, ctx, value)
		if err := chromedp.Do(ctx, chromedp.SendKeys(field, typed)); err != nil {
			t.Fatal(err)
		}
		want := eval[string](t, ctx, value)
		if want == before || !strings.Contains(want, typed) {
			t.Fatalf("%s %s: typing gave %q", page, field, want)
		}
		if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(field)); err != nil {
			t.Fatal(err)
		}
		if got := eval[string](t, ctx, value); got != want {
			t.Errorf("%s %s after a reload: %q, before it %q", page, field, got, want)
		}
	}
	mediator := browser(t, bin)
	signIn(t, mediator, e.srv.URL, "al-thani")
	keeps(mediator, id+"/text/edit", "#reason", "Bridging the corridor question — جسر")
	keeps(mediator, id+"/text/edit", "#body-0", " Added words.")
	keeps(mediator, e.srv.URL+linkOn(t, mediator, id+"/rooms/caucus:hamas", `.msg .actions a`), "#relay-text", " In my words.")
	party := browser(t, bin)
	signIn(t, party, e.srv.URL, "barnea")
	keeps(party, id+"/text/positions", "textarea[id^=comment-]", "Only with a second-phase date")
}
