package http_test

import (
	"encoding/json"
	"strings"
	"testing"

	"parley/ledger"
)

func TestWitnessEndpoints(t *testing.T) {
	e := newEnv(t)
	skey, vkey, err := ledger.GenerateWitnessKey("witness.test")
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := ledger.NewCosigner(skey)
	e.must(t, 403, "qatar", "POST", "/api/v1/ledger/witnesses", map[string]string{"verifier_key": vkey})
	e.must(t, 400, "operator", "POST", "/api/v1/ledger/witnesses", map[string]string{"verifier_key": "not a key"})
	e.must(t, 201, "operator", "POST", "/api/v1/ledger/witnesses", map[string]string{"verifier_key": vkey})
	if out := e.must(t, 200, "israel", "GET", "/api/v1/ledger/witnesses", nil); !strings.Contains(string(out), "witness.test") {
		t.Errorf("witnesses: %s", out)
	}
	note := e.must(t, 200, "israel", "GET", "/api/v1/ledger/checkpoint", nil)
	c, err := ledger.OpenCheckpoint(note, e.Signer.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	line, err := cs.Cosign(c)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"size": c.Tree.N, "cosignature": line}
	// A read-only token is enough; someone in no talks gets nothing.
	var tok struct{ Token string }
	json.Unmarshal(e.must(t, 201, "israel", "POST", "/api/v1/tokens", map[string]string{"access": "read"}), &tok)
	e.tokens["witness"] = tok.Token
	e.must(t, 404, "outsider", "POST", "/api/v1/ledger/cosignatures", body)
	e.must(t, 400, "witness", "POST", "/api/v1/ledger/cosignatures", map[string]any{"size": c.Tree.N, "cosignature": strings.Replace(line, "witness.test", "witness.other", 1)})
	e.must(t, 400, "witness", "POST", "/api/v1/ledger/cosignatures", map[string]any{"size": c.Tree.N, "cosignature": line[:len(line)-8] + "AAAAAAA\n"})
	e.must(t, 404, "witness", "POST", "/api/v1/ledger/cosignatures", map[string]any{"size": c.Tree.N + 100, "cosignature": line})
	e.must(t, 413, "witness", "POST", "/api/v1/ledger/cosignatures", map[string]any{"size": c.Tree.N, "cosignature": strings.Repeat("x", 2000)})
	e.must(t, 201, "witness", "POST", "/api/v1/ledger/cosignatures", body)
	got := e.must(t, 200, "israel", "GET", "/api/v1/ledger/checkpoints/"+itoa(c.Tree.N), nil)
	if n, err := ledger.VerifyWitnesses(got, e.Signer.VerifierKey(), []string{vkey}, 1); err != nil || n != 1 {
		t.Errorf("served checkpoint: %d cosignatures, %v", n, err)
	}
	b, err := ledger.ParseBundle(e.must(t, 200, "israel", "GET", "/api/v1/ledger/bundle?cosigned=1", nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.VerifyWitnesses([]byte(b.Checkpoint), e.Signer.VerifierKey(), []string{vkey}, 1); err != nil {
		t.Errorf("bundle checkpoint: %v", err)
	}
	e.must(t, 404, "israel", "GET", "/api/v1/ledger/bundle?cosigned=2", nil)
}
