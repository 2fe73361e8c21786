package http_test

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"

	cdpwebauthn "github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	parleyhttp "parley/http"
)

// passkeySite serves on localhost (a relying party id must be a name, not
// an address) with passkeys on.
func passkeySite(t *testing.T) (*env, string) {
	var base string
	e := newEnvConfig(t, func(s *parleyhttp.Server, addr string) {
		_, port, _ := net.SplitHostPort(addr)
		base = "http://localhost:" + port
		s.PublicURL = base
		if err := s.Auth.ConfigurePasskeys(base); err != nil {
			t.Fatal(err)
		}
	})
	return e, base
}

// authenticator adds a virtual platform authenticator (CTAP2, resident
// keys, user verification, presence simulated) to the browser's tab.
func authenticator(t *testing.T, ctx context.Context, cmtg ...bool) cdpwebauthn.AuthenticatorID {
	t.Helper()
	if _, err := chromedp.Call(ctx, cdpwebauthn.Enable, cdpwebauthn.EnableParams{}); err != nil {
		t.Fatalf("WebAuthn domain: %v", err)
	}
	res, err := chromedp.Call(ctx, cdpwebauthn.AddVirtualAuthenticator, cdpwebauthn.AddVirtualAuthenticatorParams{Options: &cdpwebauthn.VirtualAuthenticatorOptions{
		Protocol: cdpwebauthn.AuthenticatorProtocolCtap2, Transport: cdpwebauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		HasCmtgKey: len(cmtg) > 0 && cmtg[0],
	}})
	if err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
	return res.AuthenticatorID
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func signOutPage(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	run(t, ctx, "sign out", chromedp.Navigate(base+"/talks"), chromedp.Click(`form[action="/logout"] button`, chromedp.NodeVisible),
		chromedp.WaitVisible(`#passkey-login`))
}

func passkeyLogin(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	run(t, ctx, "sign in with a passkey", chromedp.Navigate(base+"/login"), chromedp.Click(`#passkey-login`, chromedp.NodeVisible),
		chromedp.WaitVisible(`//h1[.="Talks"]`))
}

// TestBrowserPasskeys drives the whole ceremony in Chromium with a virtual
// authenticator: a party's head invites a person, who accepts the link,
// which creates the account and enrols a passkey; signs in with it; adds a
// second passkey; removes the first, which then no longer signs in.
func TestBrowserPasskeys(t *testing.T) {
	bin := chromium(t)
	e, base := passkeySite(t)
	var inv parleyhttp.InvitationCreated
	json.Unmarshal(e.must(t, 201, "israel", "POST", e.talks("/invitations"), map[string]string{"delegation": "israel", "role": "negotiator", "title": "Deputy"}), &inv)
	if !strings.HasPrefix(inv.Link, base+"/invite#") {
		t.Fatalf("link %q", inv.Link)
	}
	b := browser(t, bin)
	first := authenticator(t, b)

	// Accept: the account is made and the passkey enrolled together.
	run(t, b, "accept the invitation",
		chromedp.Navigate(inv.Link),
		chromedp.WaitVisible(`#invite-form`),
		chromedp.SendKeys(`input[name=name]`, "deputy"),
		chromedp.SendKeys(`input[name=display_name]`, "The Deputy"),
		chromedp.Click(`#invite-accept`),
		chromedp.WaitVisible(`//a[contains(., "Ceasefire and release")]`),
	)
	who, err := chromedp.Run(b, chromedp.Text(`.who`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(who, "The Deputy") {
		t.Errorf("signed in as %q", who)
	}
	// The link worked once.
	token := inv.Link[strings.Index(inv.Link, "#")+1:]
	e.must(t, 404, "", "POST", "/api/v1/invitations/lookup", map[string]string{"token": token})
	var members struct {
		Members []struct {
			UserName string `json:"user_name"`
		}
	}
	json.Unmarshal(e.must(t, 200, "israel", "GET", e.talks("/delegations/israel"), nil), &members)
	found := false
	for _, m := range members.Members {
		found = found || m.UserName == "deputy"
	}
	if !found {
		t.Fatalf("the invited person is not a member: %+v", members)
	}

	// Sign in with the passkey.
	signOutPage(t, b, base)
	passkeyLogin(t, b, base)

	// A second passkey, on another authenticator.
	creds, err := chromedp.Call(b, cdpwebauthn.GetCredentials, cdpwebauthn.GetCredentialsParams{AuthenticatorID: first})
	if err != nil || len(creds.Credentials) != 1 {
		t.Fatalf("credentials of the first authenticator: %v %v", creds, err)
	}
	if _, err := chromedp.Call(b, cdpwebauthn.RemoveVirtualAuthenticator, cdpwebauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: first}); err != nil {
		t.Fatal(err)
	}
	second := authenticator(t, b)
	run(t, b, "add a second passkey",
		chromedp.Navigate(base+"/account"),
		chromedp.WaitVisible(`#passkey-add`),
		chromedp.SetValue(`#passkey-add input[name=name]`, "second laptop"),
		chromedp.Click(`#passkey-add button`),
		chromedp.WaitVisible(`//td[.="second laptop"]`),
	)
	signOutPage(t, b, base)
	passkeyLogin(t, b, base)

	// Remove the first passkey.
	run(t, b, "remove the first passkey",
		chromedp.Navigate(base+"/account"),
		chromedp.Click(`//tr[td[.="first passkey"]]//button`, chromedp.NodeVisible),
		chromedp.WaitVisible(`.flash`),
	)
	rows, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#passkeys tbody tr").length`))
	if err != nil || rows != 1 {
		t.Fatalf("%d passkeys left, want 1 (%v)", rows, err)
	}
	// The removed passkey signs in no more.
	signOutPage(t, b, base)
	if _, err := chromedp.Call(b, cdpwebauthn.RemoveVirtualAuthenticator, cdpwebauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: second}); err != nil {
		t.Fatal(err)
	}
	// An authenticator that takes the protocol's whole credential record
	// back.
	restored := authenticator(t, b, true)
	if _, err := chromedp.Call(b, cdpwebauthn.AddCredential, cdpwebauthn.AddCredentialParams{AuthenticatorID: restored, Credential: creds.Credentials[0]}); err != nil {
		t.Fatal(err)
	}
	run(t, b, "sign in with the removed passkey",
		chromedp.Navigate(base+"/login"),
		chromedp.Click(`#passkey-login`, chromedp.NodeVisible),
		chromedp.WaitVisible(`//p[@id="passkey-status" and contains(., "failed")]`),
	)
	status, err := chromedp.Run(b, chromedp.Text(`#passkey-status`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "not accepted") {
		t.Errorf("status %q", status)
	}
}
