package http_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"parley"
)

// TestBrowserSignInEachRole: a mediator, a party member, an observer and the
// operator sign in through the form and land on the talks list, which
// shows each what it may see.
func TestBrowserSignInEachRole(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	for user, want := range map[string]string{"qatar": "You are in qatar.", "israel": "You are in israel.", "observer": "You are in observers.",
		"operator": "You manage these talks; you read none of their rooms."} {
		ctx := browser(t, bin)
		signIn(t, ctx, e.srv.URL, user)
		mustContain(t, user+"'s talks list", text(t, ctx), "Ceasefire and release", want)
	}
}

// TestBrowserRoomLive: a party member's own post appears at once, without
// leaving the page; another member's open room shows it within a second,
// rendered as on reload; the mediator's unread count and desktop
// notification follow live; opening the room reads it.
func TestBrowserRoomLive(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	base, room := e.srv.URL, "/talks/"+e.TalksID+"/rooms/caucus:israel"
	author, colleague, mediator := browser(t, bin), browser(t, bin), browser(t, bin)
	signIn(t, author, base, "israel")
	signIn(t, colleague, base, "israel2")
	signIn(t, mediator, base, "qatar")
	for _, c := range []context.Context{author, colleague} {
		if err := chromedp.Do(c, chromedp.Navigate(base+room), chromedp.WaitVisible(`#messages`)); err != nil {
			t.Fatal(err)
		}
	}
	// The mediator asks for notifications of the caucus, then watches the
	// talks page; the browser's Notification is recorded.
	if err := chromedp.Do(mediator, chromedp.Navigate(base+room), chromedp.Click(`button[data-notify-room]`), chromedp.WaitVisible(`.flash`),
		chromedp.Navigate(base+"/talks/"+e.TalksID), chromedp.WaitVisible(`[data-live=rooms]`)); err != nil {
		t.Fatal(err)
	}
	eval[bool](t, mediator, `window.notes = []; window.Notification = function (title) { window.notes.push(title) }; window.Notification.permission = "granted"; true`)
	for _, c := range []context.Context{author, colleague, mediator} {
		eval[bool](t, c, `window.parleyMarker = 1; true`)
	}
	time.Sleep(300 * time.Millisecond) // the pages' streams connect

	if err := chromedp.Do(author, chromedp.SendKeys(`#post-text`, "Ready for a phased release"), chromedp.Click(`#post button[type=submit]`)); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	if !waitFor(t, author, `[...document.querySelectorAll('#messages .msg .text')].some(p => p.textContent === "Ready for a phased release") && document.querySelector('#post-text').value === ""`, 2*time.Second) {
		t.Fatal("the author's own post did not appear in place")
	}
	if !waitFor(t, colleague, `[...document.querySelectorAll('#messages .msg .text')].some(p => p.textContent === "Ready for a phased release")`, 2*time.Second) {
		t.Fatal("the post did not reach the colleague's open page")
	}
	if d := time.Since(sent); d > time.Second {
		t.Errorf("live arrival took %v", d)
	}
	for who, c := range map[string]context.Context{"author": author, "colleague": colleague} {
		if eval[int](t, c, `window.parleyMarker || 0`) != 1 {
			t.Errorf("the %s's page reloaded", who)
		}
	}
	// Live and reloaded, the message is rendered alike (one template).
	live := eval[string](t, colleague, `document.querySelector('#messages li.msg:last-of-type').outerHTML`)
	if err := chromedp.Do(colleague, chromedp.Reload(), chromedp.WaitVisible(`#messages`)); err != nil {
		t.Fatal(err)
	}
	reloaded := eval[string](t, colleague, `document.querySelector('#messages li.msg:last-of-type').outerHTML`)
	if live != reloaded {
		t.Errorf("live and reloaded renderings differ:\n%s\n%s", live, reloaded)
	}
	mustContain(t, "the message", live, "israel", "User israel", `dir="auto"`, `<time class="local"`)
	// The mediator's talks page counts it, and notifies.
	if !waitFor(t, mediator, `(document.querySelector('[data-live=rooms]').textContent || "").includes("1 new")`, 3*time.Second) {
		t.Errorf("the mediator's unread count did not follow: %s", eval[string](t, mediator, `document.querySelector('[data-live=rooms]').textContent`))
	}
	if notes := eval[[]string](t, mediator, `window.notes`); len(notes) != 1 || !strings.Contains(notes[0], "israel caucus") {
		t.Errorf("notifications: %q", notes)
	}
	var st struct{ Rooms []parley.RoomState }
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks("/unread"), nil), &st)
	if unread(st.Rooms, "caucus:israel") != 1 {
		t.Errorf("qatar's unread: %+v", st.Rooms)
	}
	// Opening the room reads it; the newest message is in view and the
	// line marks what is new.
	if err := chromedp.Do(mediator, chromedp.Navigate(base+room), chromedp.WaitVisible(`.newline`)); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, mediator, `(() => { const r = document.querySelector('#messages li.msg:last-of-type').getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0 })()`) {
		t.Error("the room did not open at its newest message")
	}
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks("/unread"), nil), &st)
	if unread(st.Rooms, "caucus:israel") != 0 {
		t.Errorf("qatar's unread after reading: %+v", st.Rooms)
	}
}

func unread(rs []parley.RoomState, room string) int {
	for _, r := range rs {
		if r.Room == room {
			return r.Unread
		}
	}
	return -1
}

// TestBrowserOlderOnScroll: a room opens at its newest page; scrolling up
// loads the earlier messages in place.
func TestBrowserOlderOnScroll(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	for i := range parley.DefaultPageSize + 5 {
		e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "message " + itoa(int64(i+1))})
	}
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "israel2")
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel"), chromedp.WaitVisible(`#older`)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.querySelector('#messages li.msg:last-of-type .text').textContent`); got != "message "+itoa(int64(parley.DefaultPageSize+5)) {
		t.Errorf("the newest message shown: %q", got)
	}
	eval[bool](t, ctx, `window.scrollTo(0, 0); true`)
	if !waitFor(t, ctx, `document.querySelectorAll('#messages li.msg').length === `+itoa(int64(parley.DefaultPageSize+5)), 3*time.Second) {
		t.Errorf("after scrolling up: %d messages", eval[int](t, ctx, `document.querySelectorAll('#messages li.msg').length`))
	}
	if got := eval[string](t, ctx, `document.querySelector('#messages li.msg .text').textContent`); got != "message 1" {
		t.Errorf("the first message: %q", got)
	}
}

// TestBrowserDraftSurvives: words typed in a room survive a reload and a
// refusal by the server, which is shown next to the form; the size limit
// is counted in bytes before sending.
func TestBrowserDraftSurvives(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "israel")
	room := e.srv.URL + "/talks/" + e.TalksID + "/rooms/caucus:israel"
	draft := "We accept the first phase — نقبل المرحلة الأولى"
	if err := chromedp.Do(ctx, chromedp.Navigate(room), chromedp.SendKeys(`#post-text`, draft), chromedp.Reload(), chromedp.WaitVisible(`#post-text`)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.querySelector('#post-text').value`); got != draft {
		t.Fatalf("after a reload the draft is %q", got)
	}
	// The counter counts bytes, as the server does.
	if got := eval[string](t, ctx, `document.querySelector('#post-count').textContent`); !strings.HasPrefix(got, itoa(int64(len(draft)))+" of 65,536") {
		t.Errorf("counter: %q (the text is %d bytes)", got, len(draft))
	}
	// A colleague withdraws the delegation meanwhile: the server refuses the post.
	e.must(t, 200, "israel2", "POST", e.talks("/delegations/israel/presence"), map[string]string{"action": "withdraw", "reason": "consulting"})
	if err := chromedp.Do(ctx, chromedp.Click(`#post button[type=submit]`)); err != nil {
		t.Fatal(err)
	}
	if !waitFor(t, ctx, `!document.querySelector('#post-error').hidden`, 3*time.Second) {
		t.Fatal("no error next to the form", eval[string](t, ctx, `document.querySelector("main").innerText.slice(0, 2500)`))
	}
	mustContain(t, "the error", eval[string](t, ctx, `document.querySelector('#post-error').textContent`), "israel has withdrawn from the talks; re-engage to post")
	if got := eval[string](t, ctx, `document.querySelector('#post-text').value`); got != draft {
		t.Fatalf("after the refusal the text is %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	e.must(t, 200, "israel2", "POST", e.talks("/delegations/israel/presence"), map[string]string{"action": "re-engage"})
	if err := chromedp.Do(ctx, chromedp.Navigate(room), chromedp.WaitVisible(`#post-text`)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.querySelector('#post-text').value`); got != draft {
		t.Fatalf("after re-engaging the draft is %q", got)
	}
	// Over the limit, the form does not send.
	eval[bool](t, ctx, `(() => { const ta = document.querySelector('#post-text'); ta.value = "ش".repeat(40000); ta.dispatchEvent(new Event('input', {bubbles: true})); return true })()`)
	if !eval[bool](t, ctx, `document.querySelector('#post-count').classList.contains('over') && !document.querySelector('#post').checkValidity()`) {
		t.Error("80 000 bytes of Arabic are not refused before sending")
	}
}

// TestBrowserRelayWithPreview: the mediator relays a party's message
// through the relay page: only reachable rooms, anonymous and narrowest by
// default, a preview of exactly what the recipients see with a warning
// when the anonymous text names a party, a note that the withdrawn party's
// copy is held; after sending the mediator is back in the source room.
func TestBrowserRelayWithPreview(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	e.must(t, 201, "israel", "POST", e.talks("/rooms/caucus:israel/messages"), map[string]string{"text": "Israel can accept a phased release"})
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "consulting"})
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "qatar")
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/talks/"+e.TalksID+"/rooms/caucus:israel"), chromedp.Click(`.msg .actions a`),
		chromedp.WaitVisible(`input[name=target_room]`)); err != nil {
		t.Fatal(err)
	}
	targets := eval[[]string](t, ctx, `[...document.querySelectorAll('input[name=target_room]')].map(i => i.value)`)
	if strings.Join(targets, " ") != "mediators caucus:hamas" {
		t.Errorf("targets offered: %q", targets)
	}
	if got := eval[string](t, ctx, `[...document.querySelectorAll('input:checked')].map(i => i.name + '=' + i.value).join(' ')`); got != "mode=paraphrase attribution=anonymous disclosure=mediator-only" {
		t.Errorf("defaults: %s", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`input[value="caucus:hamas"]`), chromedp.Click(`input[value=verbatim]`),
		chromedp.Click(`button[value=preview]`), chromedp.WaitVisible(`.preview`)); err != nil {
		t.Fatal(err)
	}
	preview := eval[string](t, ctx, `document.querySelector('.preview').innerText`)
	mustContain(t, "the preview", preview, "What hamas caucus will see", "Relayed verbatim, anonymously", "Israel can accept a phased release",
		"the text names: israel", "hamas has withdrawn")
	if strings.Contains(preview, "source:") {
		t.Errorf("the preview shows what recipients do not see:\n%s", preview)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`button[value=send]`), chromedp.WaitVisible(`.flash`)); err != nil {
		t.Fatal(err)
	}
	if loc := eval[string](t, ctx, `location.pathname`); !strings.HasSuffix(loc, "/rooms/caucus:israel") {
		t.Errorf("after relaying the mediator is at %s", loc)
	}
	mustContain(t, "the flash", eval[string](t, ctx, `document.querySelector('.flash').textContent`), "Relayed to hamas caucus")
	// The relay was taken: its draft is gone, and the relay page of the
	// same message opens with the defaults again, not with what was sent.
	if left := eval[[]string](t, ctx, `Object.keys(localStorage).filter(k => k.includes(':relay:'))`); len(left) != 0 {
		t.Errorf("drafts kept after the relay was sent: %q", left)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`.msg .actions a`), chromedp.WaitVisible(`input[name=target_room]`)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `[...document.querySelectorAll('input:checked')].map(i => i.name + '=' + i.value).join(' ')`); got != "mode=paraphrase attribution=anonymous disclosure=mediator-only" {
		t.Errorf("the relay page opened again: %s", got)
	}
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "re-engage"})
	var page struct{ Messages []parley.Message }
	decodeJSON(t, e.must(t, 200, "hamas", "GET", e.talks("/rooms/caucus:hamas/messages"), nil), &page)
	if n := len(page.Messages); n != 1 || page.Messages[0].Relay == nil || page.Messages[0].Relay.From != "" || page.Messages[0].Disclosure != parley.MediatorOnly {
		t.Errorf("hamas receives %+v", page.Messages)
	}
}

// TestBrowserConfirmDestructive: concluding the talks takes a page that
// says what will happen and a reason; cancelling changes nothing.
func TestBrowserConfirmDestructive(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "qatar")
	overview := e.srv.URL + "/talks/" + e.TalksID
	if err := chromedp.Do(ctx, chromedp.Navigate(overview), chromedp.Click(`//button[contains(., "Conclude the talks")]`), chromedp.WaitVisible(`.confirm`)); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "the confirmation", text(t, ctx), "The talks end for good", "This cannot be undone.", "Reason (every delegation will see it)")
	if err := chromedp.Do(ctx, chromedp.Click(`//a[contains(., "Cancel")]`), chromedp.WaitVisible(`[data-live=status]`)); err != nil {
		t.Fatal(err)
	}
	var v struct{ Status string }
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks(""), nil), &v)
	if v.Status != "active" {
		t.Fatalf("after cancelling the talks are %s", v.Status)
	}
	// Without a reason the browser does not send it.
	if err := chromedp.Do(ctx, chromedp.Click(`//button[contains(., "Conclude the talks")]`), chromedp.WaitVisible(`.confirm`),
		chromedp.Click(`.confirm button.danger`)); err != nil {
		t.Fatal(err)
	}
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks(""), nil), &v)
	if v.Status != "active" {
		t.Fatalf("concluded without a reason")
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#reason`, "Agreement signed in Doha"), chromedp.Click(`.confirm button.danger`), chromedp.WaitVisible(`.flash`)); err != nil {
		t.Fatal(err)
	}
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks(""), nil), &v)
	if v.Status != "concluded" {
		t.Fatalf("after confirming the talks are %s", v.Status)
	}
}

// TestBrowserPartyNeverSeesOtherCaucus: a party's pages name neither the
// other party's caucus nor its messages, and the room itself is "not
// found", like a room that does not exist.
func TestBrowserPartyNeverSeesOtherCaucus(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	e.must(t, 201, "hamas", "POST", e.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": "hamas secret words"})
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "israel")
	base := e.srv.URL + "/talks/" + e.TalksID
	for _, p := range []string{"", "/rooms/caucus:israel", "/search?q=secret", "/proposals", "/timeline"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatal(err)
		}
		html := eval[string](t, ctx, `document.documentElement.outerHTML`)
		if strings.Contains(html, "caucus:hamas") || strings.Contains(html, "hamas caucus") || strings.Contains(html, "secret words") {
			t.Errorf("israel's %s shows the other caucus", p)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/rooms/caucus:hamas"), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx); !strings.Contains(got, "room not found") || strings.Contains(got, "secret") {
		t.Errorf("the other caucus: %s", got)
	}
}

// TestBrowserLedgerBundleDownload: the ledger page's button downloads the
// member's bundle, which holds their entries and a checkpoint.
func TestBrowserLedgerBundleDownload(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t)
	ctx := browser(t, bin)
	signIn(t, ctx, e.srv.URL, "israel")
	dir := t.TempDir()
	done := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/ledger"),
		chromedp.Func(func(c context.Context, _ *chromedp.Target) error {
			on := true
			_, err := chromedp.Call(c, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName,
				DownloadPath: dir, EventsEnabled: &on, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
			return err
		}),
		chromedp.Click(`//a[contains(., "Download my bundle")]`))
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "the ledger page", text(t, ctx), "Latest checkpoint", "parley verify parley-bundle.json --key KEY")
	var file string
	for ev, err := range done {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Checkpoint string            `json:"checkpoint"`
		Entries    []json.RawMessage `json:"entries"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil || bundle.Checkpoint == "" || len(bundle.Entries) == 0 {
		t.Fatalf("bundle: %v %.300s", err, b)
	}
}
