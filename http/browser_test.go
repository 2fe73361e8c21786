package http_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parley/internal/fixture"
)

// chromium finds a Chromium binary: $PARLEY_CHROMIUM, or chromium on PATH.
func chromium(t *testing.T) string {
	if p := os.Getenv("PARLEY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser test skipped: no Chromium found (install Debian's chromium or set PARLEY_CHROMIUM); CI installs it")
	return ""
}

// browser starts a headless Chromium with its own profile, so that each
// browser holds its own session.
func browser(t *testing.T, bin string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1200, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancel := chromedp.NewContext(actx)
	// The first call starts the browser, which lives as long as bctx; the
	// steps of the test run under a timeout derived from it.
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

func signIn(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(`input[name=name]`, name),
		chromedp.SendKeys(`input[name=password]`, fixture.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`h1`),
	)
	if err != nil {
		t.Fatalf("%s signs in: %v", name, err)
	}
}

// TestBrowserRoomLiveAndRelay drives two real browsers: a party posts in its
// caucus through the page form, the mediator's open page shows it live, the
// mediator relays it with the page's relay form, and the party cannot open
// the other caucus.
func TestBrowserRoomLiveAndRelay(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	base := e.srv.URL
	// Earlier status events must not make open pages reload (a page's event
	// stream starts after what the page shows).
	e.must(t, 200, "qatar", "POST", e.talks("/plenary"), map[string]bool{"open": true})
	party, mediator := browser(t, bin), browser(t, bin)
	signIn(t, party, base, "israel")
	signIn(t, mediator, base, "qatar")
	room := base + "/talks/" + e.TalksID + "/rooms/caucus:israel"

	if err := chromedp.Do(party, chromedp.Navigate(base+"/talks/"+e.TalksID)); err != nil {
		t.Fatal(err)
	}
	overview, err := chromedp.Run(party, chromedp.Text(`main`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ceasefire and release", "hamas", "engaged", "caucus:israel", "plenary"} {
		if !strings.Contains(overview, want) {
			t.Errorf("overview lacks %q:\n%s", want, overview)
		}
	}
	if strings.Contains(overview, "caucus:hamas") {
		t.Errorf("the party's overview names the other caucus")
	}
	screenshot(t, party, "party-overview.png")

	if err := chromedp.Do(mediator, chromedp.Navigate(room), chromedp.WaitVisible(`#messages`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(mediator, chromedp.Evaluate[int](`window.parleyMarker = 1`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // let the mediator's event stream connect
	if marker, err := chromedp.Run(mediator, chromedp.Evaluate[int](`window.parleyMarker || 0`)); err != nil || marker != 1 {
		t.Fatalf("the room page reloaded by itself (marker %d, %v)", marker, err)
	}
	err = chromedp.Do(party,
		chromedp.Navigate(room),
		chromedp.SendKeys(`form.post textarea[name=text]`, "Ready for a phased release"),
		chromedp.Submit(`form.post textarea[name=text]`),
		chromedp.WaitVisible(`//p[contains(., "Ready for a phased release")]`),
	)
	if err != nil {
		t.Fatalf("party posts: %v", err)
	}
	// The mediator's page was not reloaded: the message arrives over SSE.
	if err := chromedp.Do(mediator, chromedp.WaitVisible(`//ol[@id="messages"]//p[contains(., "Ready for a phased release")]`)); err != nil {
		t.Fatalf("live update: %v", err)
	}

	err = chromedp.Do(mediator,
		chromedp.Reload(),
		chromedp.Click(`details.relayform summary`),
		chromedp.SetValue(`details.relayform select[name=target_room]`, "caucus:hamas"),
		chromedp.SetValue(`details.relayform select[name=attribution]`, "anonymous"),
		chromedp.Submit(`details.relayform select[name=mode]`),
		chromedp.WaitVisible(`.flash`),
	)
	if err != nil {
		t.Fatalf("mediator relays: %v", err)
	}
	after, err := chromedp.Run(mediator, chromedp.Text(`main`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(after, "relayed to caucus:hamas") || !strings.Contains(after, "Ready for a phased release") || !strings.Contains(after, "source: caucus:israel") {
		t.Errorf("after relaying:\n%s", after)
	}
	screenshot(t, mediator, "mediator-room.png")

	if err := chromedp.Do(party, chromedp.Navigate(base+"/talks/"+e.TalksID+"/rooms/caucus:hamas")); err != nil {
		t.Fatal(err)
	}
	denied, err := chromedp.Run(party, chromedp.Text(`main`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(denied, "room not found") || strings.Contains(denied, "Ready for a phased release") {
		t.Errorf("party opening the other caucus sees:\n%s", denied)
	}
}

// screenshot saves the page as PNG into $PARLEY_SCREENSHOTS, when set, for
// a person to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("PARLEY_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}
