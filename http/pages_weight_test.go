package http_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// demoPages lists every page of the seed talks (id is "/talks/ID") for
// each user who can open it: a mediator, a party, an observer and the
// operator. "relay" stands for the relay page of the newest relayable
// message in the Hamas caucus, "agreement" for the page of an agreement's
// compliance; the tests resolve them.
func demoPages(id string) map[string][]string {
	common := []string{"/talks", id, id + "/captives", id + "/meetings", id + "/reports", id + "/deadlines", id + "/timeline", id + "/search?q=ceasefire", "/ledger", "/account"}
	negotiating := []string{id + "/text", id + "/text/diff", id + "/text/positions", id + "/proposals", id + "/dance"}
	join := func(ps ...[]string) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p...)
		}
		return out
	}
	return map[string][]string{
		"al-thani": join(common, negotiating, []string{id + "/rooms/mediators", id + "/rooms/briefing", id + "/rooms/plenary",
			id + "/rooms/caucus:hamas", id + "/rooms/caucus:israel", id + "/text/edit", id + "/settlement", id + "/confirm?action=conclude", "relay", "agreement"}),
		"barnea":     join(common, negotiating, []string{id + "/rooms/caucus:israel", id + "/profile", id + "/confirm?action=withdraw", "agreement"}),
		"transition": join(common, []string{id + "/rooms/briefing", id + "/proposals"}),
		"operator":   {"/talks", id, "/admin", "/ledger", "/account"},
	}
}

var (
	relayLink     = regexp.MustCompile(`href="(/talks/[^"]+/relay\?[^"]+)"`)
	agreementLink = regexp.MustCompile(`href="(/talks/[^"]+/agreements/[^"]+)"`)
	// loaded is what a page makes the browser fetch: stylesheets, scripts,
	// images, frames, icons.
	loaded = regexp.MustCompile(`<(?:link|script|img|iframe|source|embed|object)\b[^>]*\b(?:href|src|data)="([^"]*)"`)
)

// resolvePage turns the "relay" and "agreement" placeholders of demoPages
// into paths, read from the pages that link to them.
func resolvePage(t *testing.T, c *http.Client, base, id, p string) string {
	t.Helper()
	from, re := "", (*regexp.Regexp)(nil)
	switch p {
	case "relay":
		from, re = id+"/rooms/caucus:hamas", relayLink
	case "agreement":
		from, re = id, agreementLink
	default:
		return p
	}
	_, body := get(t, c, base+from)
	m := re.FindAllStringSubmatch(body, -1)
	if len(m) == 0 {
		t.Fatalf("no %s link on %s", p, from)
	}
	return strings.ReplaceAll(m[len(m)-1][1], "&amp;", "&")
}

// TestPageWeight: on the demo data, every page's HTML plus everything it
// loads (one stylesheet, a little JavaScript) stays under 150 KB; the
// assets have content-hashed names and a year's cache lifetime; nothing is
// fetched from another server (pages, stylesheet and scripts name no
// outside address, and the pages' Content-Security-Policy allows only the
// server itself).
func TestPageWeight(t *testing.T) {
	const budget = 150 << 10
	e := newDemoEnv(t)
	id := "/talks/" + e.TalksID
	assets := map[string]int{} // URL → size
	fetchAsset := func(c *http.Client, u string) int {
		if n, ok := assets[u]; ok {
			return n
		}
		resp, err := c.Get(e.srv.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", u, resp.StatusCode)
		}
		// /static/HASH/NAME, HASH the start of the content's SHA-256.
		parts := strings.Split(u, "/")
		sum := sha256.Sum256(b)
		if len(parts) != 4 || parts[1] != "static" || !strings.HasPrefix(hex.EncodeToString(sum[:]), parts[2]) || len(parts[2]) < 8 {
			t.Errorf("asset %s is not named by its content's hash", u)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
			t.Errorf("asset %s: Cache-Control %q", u, cc)
		}
		if s := string(b); strings.Contains(s, "http://") || strings.Contains(s, "https://") || strings.Contains(s, "@import") || regexp.MustCompile(`url\(\s*['"]?(//|[a-z]+:)`).MatchString(s) {
			t.Errorf("asset %s names an outside address", u)
		}
		assets[u] = len(b)
		return len(b)
	}
	type weight struct {
		page        string
		html, total int
	}
	var ws []weight
	check := func(c *http.Client, who, p string) {
		resp, err := c.Get(e.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d", who, p, resp.StatusCode)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "http") || strings.Contains(csp, "*") {
			t.Errorf("%s %s: Content-Security-Policy %q", who, p, csp)
		}
		total := len(b)
		for _, m := range loaded.FindAllStringSubmatch(string(b), -1) {
			u := m[1]
			if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
				t.Errorf("%s %s loads %q from outside the server", who, p, u)
				continue
			}
			total += fetchAsset(c, u)
		}
		if total > budget {
			t.Errorf("%s %s weighs %d bytes (HTML %d), over %d", who, p, total, len(b), budget)
		}
		ws = append(ws, weight{who + " " + p, len(b), total})
	}
	for who, ps := range demoPages(id) {
		c := e.browser(t, who)
		for _, p := range ps {
			check(c, who, resolvePage(t, c, e.srv.URL, id, p))
		}
	}
	check(&http.Client{}, "anyone", "/login")
	if len(assets) < 2 {
		t.Errorf("pages load %d assets: the stylesheet and script went unseen", len(assets))
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].total > ws[j].total })
	for _, w := range ws[:min(5, len(ws))] {
		t.Logf("%-70s HTML %6d B, with assets %6d B", w.page, w.html, w.total)
	}
	var names []string
	for u, n := range assets {
		names = append(names, path.Base(u)+" "+strconv.Itoa(n))
	}
	sort.Strings(names)
	t.Logf("assets: %s", strings.Join(names, ", "))
}

// BenchmarkPages renders each main page of the seed talks for the
// mediator, who sees them all, over HTTP on loopback (session, the
// service's reads, the template). The goal is under 50 ms a page.
func BenchmarkPages(b *testing.B) {
	c, base := seedServer(b, "al-thani")
	root := strings.TrimSuffix(base, "/talks/"+path.Base(base))
	id := "/talks/" + path.Base(base)
	page := func(p string) string {
		resp, err := c.Get(root + p)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %d", p, resp.StatusCode)
		}
		return string(body)
	}
	last := func(re *regexp.Regexp, body string) string {
		m := re.FindAllStringSubmatch(body, -1)
		if len(m) == 0 {
			b.Fatal("no link")
		}
		return strings.ReplaceAll(m[len(m)-1][1], "&amp;", "&")
	}
	for _, p := range []struct{ name, path string }{
		{"talks", "/talks"}, {"dashboard", id}, {"room", id + "/rooms/caucus:hamas"},
		{"relay", last(relayLink, page(id+"/rooms/caucus:hamas"))}, {"search", id + "/search?q=ceasefire"},
		{"text", id + "/text"}, {"diff", id + "/text/diff"}, {"positions", id + "/text/positions"}, {"proposals", id + "/proposals"},
		{"settlement", id + "/settlement"}, {"dance", id + "/dance"}, {"captives", id + "/captives"},
		{"agreement", last(agreementLink, page(id))}, {"meetings", id + "/meetings"}, {"reports", id + "/reports"},
		{"deadlines", id + "/deadlines"}, {"timeline", id + "/timeline"}, {"ledger", "/ledger"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				page(p.path)
			}
		})
	}
}
