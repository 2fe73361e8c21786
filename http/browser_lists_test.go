package http_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parley/talks"
)

// TestBrowserListsLive: lists other than a room follow the talks live,
// rendered by the server exactly as on reload: a party's talks list counts
// a mediator's new message, its deadlines page shows a deadline just set,
// and its dashboard shows the other party withdrawing.
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
}
