package auth_test

import (
	"context"
	"testing"

	"parley/internal/fixture"
)

// FuzzPasskeyResponses: whatever a browser (or anyone) sends as the
// answer to a passkey ceremony, parley refuses it cleanly: no panic, and
// never a session or a passkey without a valid signature.
func FuzzPasskeyResponses(f *testing.F) {
	for _, seed := range []string{
		`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0","authenticatorData":"AAAA","signature":"AAAA","userHandle":"dV94"}}`,
		`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0","attestationObject":"o2NmbXRkbm9uZQ"}}`,
		`{}`, `null`, `[]`, "\xff",
	} {
		f.Add([]byte(seed))
	}
	e := fixture.New(f)
	if err := e.Auth.ConfigurePasskeys("http://localhost:8080"); err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	_, login, err := e.Auth.BeginLogin()
	if err != nil {
		f.Fatal(err)
	}
	u := e.U("israel")
	_, reg, err := e.Auth.BeginRegistration(ctx, u.ID, u.Name, u.DisplayName)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if secret, _, err := e.Auth.FinishLogin(ctx, login, data); err == nil || secret != "" {
			t.Fatalf("a made-up assertion signed in: %q", data)
		}
		if pk, err := e.Auth.FinishRegistration(reg, "fuzz", data); err == nil || pk != nil {
			t.Fatalf("a made-up attestation registered a passkey: %q", data)
		}
	})
}
