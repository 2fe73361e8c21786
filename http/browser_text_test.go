package http_test

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"

	"parley/talks"
)

// TestBrowserPlotsAt375 opens the mediators' settlement and dance pages in
// a real browser 375 px wide and checks that the plots fit the page and
// that their smallest text is still at least 9 px tall.
func TestBrowserPlotsAt375(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	e.settlementTalks(t)
	for u, src := range map[string]string{"israel": israelProfile, "hamas": hamasProfile} {
		e.must(t, 200, u, "PUT", e.talks("/profile"), talks.NewProfile{Source: src})
		e.must(t, 200, u, "PUT", e.talks("/profile/consent"), nil)
	}
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "qatar")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 800)); err != nil {
		t.Fatal(err)
	}
	const measure = `JSON.stringify((() => {
		const s = document.querySelector('svg.plot'), r = s.getBoundingClientRect();
		const hs = [...s.querySelectorAll('text')].map(x => x.getBoundingClientRect().height).filter(h => h > 0);
		return {width: r.width, page: document.documentElement.scrollWidth, text: Math.min(...hs)};
	})())`
	for _, p := range []string{"/settlement", "/dance"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/talks/"+e.TalksID+p), chromedp.WaitVisible(`svg.plot`)); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](measure))
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ Width, Page, Text float64 }
		json.Unmarshal([]byte(out), &m)
		if m.Width < 280 || m.Page > 375 || m.Text < 9 {
			t.Errorf("%s at 375 px: plot %.0f px wide, page %.0f px wide, smallest text %.1f px", p, m.Width, m.Page, m.Text)
		}
	}
}
