package http_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserScreens opens the main pages of the seed talks as a mediator,
// a party and an observer, at 375 and 1440 px and in Arabic: no page
// scrolls sideways. With PARLEY_SCREENSHOTS=1 it refreshes
// docs/screenshots.
func TestBrowserScreens(t *testing.T) {
	bin := chromium(t)
	e := newDemoEnv(t)
	base := e.srv.URL
	id := "/talks/" + e.TalksID
	for _, c := range []struct {
		user, role string
		pages      map[string]string
	}{
		{"al-thani", "mediator", map[string]string{"talks": "/talks", "overview": id, "room": id + "/rooms/caucus:hamas", "text": id + "/text",
			"positions": id + "/text/positions", "settlement": id + "/settlement", "relay": "", "ledger": "/ledger"}},
		{"barnea", "party", map[string]string{"overview": id, "room": id + "/rooms/caucus:israel", "positions": id + "/text/positions", "captives": id + "/captives"}},
		{"transition", "observer", map[string]string{"overview": id, "room": id + "/rooms/briefing", "reports": id + "/reports"}},
	} {
		ctx := browser(t, bin)
		signIn(t, ctx, base, c.user)
		for _, lang := range []string{"en", "ar"} {
			if lang == "ar" {
				if err := chromedp.Do(ctx, chromedp.Navigate(base+id), chromedp.SetValue(`#lang-choice`, "ar"), chromedp.Submit(`#lang-choice`),
					chromedp.WaitVisible(`html[dir=rtl]`)); err != nil {
					t.Fatalf("%s switches to Arabic: %v", c.user, err)
				}
			}
			for name, p := range c.pages {
				if p == "" {
					// The relay page of the newest relayable message.
					if err := chromedp.Do(ctx, chromedp.Navigate(base+id+"/rooms/caucus:hamas")); err != nil {
						t.Fatal(err)
					}
					p = eval[string](t, ctx, `(() => { const a = [...document.querySelectorAll('.msg .actions a')]; return a.length ? new URL(a[a.length-1].href).pathname + new URL(a[a.length-1].href).search : '' })()`)
				}
				for _, w := range []int64{375, 1440} {
					if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(base+p), chromedp.WaitVisible(`main h1`)); err != nil {
						t.Fatalf("%s %s: %v", c.user, p, err)
					}
					if sw := eval[int64](t, ctx, `document.documentElement.scrollWidth`); sw > w {
						wide := eval[string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > %d && !e.closest('.scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')`, w))
						t.Errorf("%s's %s (%s) at %d px scrolls sideways: %d px wide (%s)", c.user, name, lang, w, sw, wide)
					}
					if lang == "en" || w == 375 {
						screenshot(t, ctx, fmt.Sprintf("%s-%s-%s-%d.png", c.role, name, lang, w))
					}
				}
			}
		}
	}
}

// TestBrowserArabicRightToLeft: a user switches the interface to Arabic;
// the pages then lay out right to left, read in Arabic, keep user text in
// its own direction, and the choice is kept on the server.
func TestBrowserArabicRightToLeft(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "Ready for a phased release"})
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "israel")
	room := e.srv.URL + "/talks/" + e.TalksID + "/rooms/caucus:israel"
	if err := chromedp.Do(ctx, chromedp.Navigate(room), chromedp.SetValue(`#lang-choice`, "ar"), chromedp.Submit(`#lang-choice`),
		chromedp.WaitVisible(`html[lang=ar][dir=rtl]`)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('main')).direction`); got != "rtl" {
		t.Errorf("main's direction: %s", got)
	}
	// The message's coloured edge is on the right, where an Arabic reader starts.
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('.msg')).borderRightWidth`); got != "4px" {
		t.Errorf("message edge on the right: %s", got)
	}
	// English user text keeps its own direction.
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('.msg .text')).direction`); got != "ltr" {
		t.Errorf("English text in an Arabic page: %s", got)
	}
	mustContain(t, "the Arabic room", text(t, ctx), "رسالتك", "أرسل", "جلسة israel المنفردة")
	var lang struct{ Language string }
	decodeJSON(t, e.must(t, 200, "israel", "GET", "/api/v1/me/language", nil), &lang)
	if lang.Language != "ar" {
		t.Errorf("saved language %q", lang.Language)
	}
	// Another browser of the same user opens in Arabic too.
	other := browser(t, bin)
	signIn(t, other, e.srv.URL, "israel")
	if got := eval[string](t, other, `document.documentElement.lang`); got != "ar" {
		t.Errorf("second browser's language: %s", got)
	}
	screenshot(t, ctx, "party-room-ar-rtl.png")
}
