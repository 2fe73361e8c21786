package http_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// axeSource reads axe-core, installed by .ci/run with npm into .ci/node (or
// named by $PARLEY_AXE). Without it the test is skipped locally and fails
// in CI.
func axeSource(t *testing.T) string {
	p := os.Getenv("PARLEY_AXE")
	if p == "" {
		p = filepath.Join("..", ".ci", "node", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if inCI() {
			t.Fatalf("axe-core missing in CI (%v): .ci/run installs it with npm", err)
		}
		t.Skipf("axe test skipped: no axe-core at %s (npm install --prefix .ci/node axe-core@4, or set PARLEY_AXE)", p)
	}
	return string(b)
}

// axeViolation is one serious or critical finding of axe-core.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

const axeRun = `axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}}).then(r => JSON.stringify(r.violations
	.filter(v => v.impact === 'serious' || v.impact === 'critical')
	.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))`

// TestBrowserAxe runs axe-core on every page for every role on the seed
// talks (demoPages: WCAG 2.2 AA rules among them), in English and for a
// party in Arabic and Hebrew: no serious or critical violation.
func TestBrowserAxe(t *testing.T) {
	bin := chromium(t)
	axe := axeSource(t)
	e := newDemoEnv(t)
	id := "/talks/" + e.TalksID
	pages := demoPages(id)
	checked := 0
	// axe-core is loaded into every page of a browser context as it opens,
	// not sent again for each page.
	withAxe := func(ctx context.Context) context.Context {
		if _, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: axe}); err != nil {
			t.Fatalf("load axe-core: %v", err)
		}
		return ctx
	}
	check := func(ctx context.Context, who, lang, p string) {
		if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+p), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s %s: %v", who, p, err)
		}
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe on %s: %v", p, err)
		}
		var vs []axeViolation
		if err := json.Unmarshal([]byte(out), &vs); err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("%s (%s) %s: %s %s — %s\n  %s", who, lang, p, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
		}
		checked++
	}
	for who, ps := range pages {
		ctx := withAxe(browser(t, bin))
		signIn(t, ctx, e.srv.URL, who)
		for _, p := range ps {
			switch p {
			case "relay":
				p = linkOn(t, ctx, e.srv.URL+id+"/rooms/caucus:hamas", `.msg .actions a`)
			case "agreement":
				p = linkOn(t, ctx, e.srv.URL+id, `#promised a`)
			}
			check(ctx, who, "en", p)
		}
		if who == "barnea" {
			for _, lang := range []string{"ar", "he"} {
				if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+id), chromedp.SetValue(`#lang-choice`, lang), chromedp.Submit(`#lang-choice`),
					chromedp.WaitVisible(`html[lang=`+lang+`]`)); err != nil {
					t.Fatal(err)
				}
				for _, p := range []string{"/talks", id, id + "/rooms/caucus:israel", id + "/text/positions", id + "/captives", "/ledger"} {
					check(ctx, who, lang, p)
				}
			}
		}
	}
	// The sign-in page, signed out.
	check(withAxe(browser(t, bin)), "anyone", "en", "/login")
	t.Logf("axe-core: %d pages checked", checked)
}

// linkOn opens page and returns the path and query of the last link
// matching sel.
func linkOn(t *testing.T, ctx context.Context, page, sel string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	p := eval[string](t, ctx, `(() => { const a = [...document.querySelectorAll('`+sel+`')]; if (!a.length) return ''; const u = new URL(a[a.length-1].href); return u.pathname + u.search })()`)
	if p == "" {
		t.Fatalf("no %s on %s", sel, page)
	}
	return p
}
