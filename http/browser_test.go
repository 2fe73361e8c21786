package http_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parley/internal/fixture"
)

// TestMain closes the Chromium the browser tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	shared.close()
	os.Exit(code)
}

// inCI reports whether the tests run in CI, where a missing browser or
// axe-core is a failure, not a reason to skip.
func inCI() bool { return os.Getenv("CI") == "true" }

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
	if inCI() {
		t.Fatal("no Chromium in CI: .ci/run installs Debian's chromium")
	}
	t.Skip("browser test skipped: no Chromium found (install Debian's chromium or set PARLEY_CHROMIUM); CI installs it")
	return ""
}

// shared is the one Chromium process of the test binary: each test opens
// its own browser contexts (separate cookies and storage) in it.
var shared sharedBrowser

type sharedBrowser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

func (s *sharedBrowser) close() {
	if s.cancel != nil {
		s.cancel()
	}
}

// browser opens a new browser context (its own cookies, storage and tab)
// in the shared Chromium, with the page at 1200×900.
func browser(t *testing.T, bin string) context.Context {
	t.Helper()
	shared.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(bin),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.WindowSize(1200, 900),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancel := chromedp.NewContext(actx)
		shared.ctx, shared.cancel = bctx, func() { cancel(); cancelAlloc() }
		shared.err = chromedp.Do(bctx)
	})
	if shared.err != nil {
		t.Fatalf("start chromium: %v", shared.err)
	}
	tctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tctx); err != nil {
		cancel()
		t.Fatalf("open a browser context: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(tctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return ctx
}

func signIn(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(`input[name=name]`, name),
		chromedp.SendKeys(`input[name=password]`, fixture.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`nav.main`),
	)
	if err != nil {
		t.Fatalf("%s signs in: %v", name, err)
	}
}

// text returns the visible text of the page's main element.
func text(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds or the time is up.
func waitFor(t *testing.T, ctx context.Context, js string, within time.Duration) bool {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return true
		}
		time.Sleep(25 * time.Millisecond)
	}
	return false
}

// screenshot saves what the viewport shows as PNG into docs/screenshots
// when PARLEY_SCREENSHOTS=1, so that normal runs change no file. The image
// is clipped to the viewport and compressed hard, to keep the repository
// small.
func screenshot(t *testing.T, ctx context.Context, name string) {
	if os.Getenv("PARLEY_SCREENSHOTS") != "1" {
		return
	}
	raw, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join("..", "docs", "screenshots")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// mustContain fails unless s holds every one of want.
func mustContain(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}
