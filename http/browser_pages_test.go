package http_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// screen is a page of the screenshots: its name in the file name and its
// path ("relay" for the relay page of the newest relayable message).
type screen struct{ name, path string }

// TestBrowserScreens opens the main pages of the seed talks as a mediator,
// a party and an observer, and the dashboard and a room in Arabic, at 375
// and 1440 px: no page scrolls sideways. With PARLEY_SCREENSHOTS=1 it
// refreshes docs/screenshots (the viewport only, Arabic at 375 px; the
// README shows them).
func TestBrowserScreens(t *testing.T) {
	bin := chromium(t)
	e := newDemoEnv(t)
	base := e.srv.URL
	id := "/talks/" + e.TalksID
	for _, c := range []struct {
		user, role, room string
		pages            []screen
	}{
		{"al-thani", "mediator", id + "/rooms/caucus:hamas", []screen{{"talks", "/talks"}, {"dashboard", id}, {"room", id + "/rooms/caucus:hamas"},
			{"relay", "relay"}, {"positions", id + "/text/positions"}, {"settlement", id + "/settlement"}, {"captives", id + "/captives"}}},
		{"barnea", "party", id + "/rooms/caucus:israel", []screen{{"talks", "/talks"}, {"dashboard", id}, {"room", id + "/rooms/caucus:israel"},
			{"positions", id + "/text/positions"}, {"captives", id + "/captives"}}},
		{"transition", "observer", id + "/rooms/briefing", []screen{{"talks", "/talks"}, {"dashboard", id}, {"room", id + "/rooms/briefing"}}},
	} {
		ctx := browser(t, bin)
		signIn(t, ctx, base, c.user)
		for _, lang := range []string{"en", "ar"} {
			pages := c.pages
			if lang == "ar" {
				if err := chromedp.Do(ctx, chromedp.Navigate(base+id), chromedp.SetValue(`#lang-choice`, "ar"), chromedp.Submit(`#lang-choice`),
					chromedp.WaitVisible(`html[dir=rtl]`)); err != nil {
					t.Fatalf("%s switches to Arabic: %v", c.user, err)
				}
				pages = []screen{{"dashboard", id}, {"room", c.room}}
			}
			for _, sc := range pages {
				p := sc.path
				if p == "relay" {
					p = linkOn(t, ctx, base+c.room, `.msg .actions a`)
				}
				for _, vp := range [][2]int64{{375, 812}, {1440, 900}} {
					w := vp[0]
					if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, vp[1]), chromedp.Navigate(base+p), chromedp.WaitVisible(`main h1`)); err != nil {
						t.Fatalf("%s %s: %v", c.user, p, err)
					}
					if sw := eval[int64](t, ctx, `document.documentElement.scrollWidth`); sw > w {
						wide := eval[string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > %d && !e.closest('.scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')`, w))
						t.Errorf("%s's %s (%s) at %d px scrolls sideways: %d px wide (%s)", c.user, sc.name, lang, w, sw, wide)
					}
					if lang == "en" || w == 375 {
						screenshot(t, ctx, fmt.Sprintf("%s-%s-%s-%d.png", c.role, sc.name, lang, w))
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
}
