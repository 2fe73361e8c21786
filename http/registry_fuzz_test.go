package http_test

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRegistryBodies sends arbitrary bodies to every endpoint of people and
// promises that takes one, JSON and CSV; whatever arrives, the answer is a
// 2xx or a 4xx problem, never a 5xx.
func FuzzRegistryBodies(f *testing.F) {
	header := "ref,holder,nationalities,captured_on,status,confidence,status_source,status_date\n"
	for _, seed := range []string{
		`{"ref":"H-1","holder":"hamas","nationalities":["US"],"captured_on":"2023-10-07","status":{"status":"alive","confidence":"believed","source":"s","date":"2024-01-01"}}`,
		`{"status":"released","confidence":"confirmed","source":"s","date":"2024-01-02","since":"2024-01-01","obligation":"o_x"}`,
		`{"delegation":"israel","records":true}`,
		`{"title":"t","stage":"ceasefire","agreed_at":"2023-11-22T00:00:00Z","phases":[{"title":"p","starts_on":"2023-11-24","days":4,"obligations":[{"delegation":"hamas","kind":"release-captives","description":"d","quantity":3}]}]}`,
		`{"kind":"consultation","title":"t","held_on":"2024-11-24","participants":[{"user":"qatar"},{"name":"x"}],"summary":"s","audience":["israel"]}`,
		`{"subject":"progress","claim":"c","source":"s","published_on":"2024-12-05","reliability":"B","credibility":3}`,
		`{"title":"t","due_at":"2030-01-20T17:00:00Z","set_by":"s","alert_days":[30,7,1]}`,
		header + "H-2,hamas,US;IL,2023-10-07,alive,believed,s,2024-01-01\n",
		header + "H-3,hamas,US,2023-10,alive,believed,\"s\n",
		`[]`, `null`, "\xff", "ref\n\"",
	} {
		f.Add(seed)
	}
	e := newEnv(f)
	handler := e.srv.Config.Handler
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{
			e.talks("/captives"), e.talks("/captives/H-1/status"), e.talks("/captives/access"), e.talks("/agreements"),
			e.talks("/meetings"), e.talks("/reports"), e.talks("/deadlines"), e.talks("/agreements/a_x/verifications"),
			e.talks("/agreements/a_x/phases"), e.talks("/agreements/a_x/obligations"), e.talks("/captives/import?dry_run=true"),
		} {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if strings.Contains(path, "import") {
				req.Header.Set("Content-Type", "text/csv")
			}
			req.Header.Set("Authorization", "Bearer "+e.tokens["qatar"])
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
			}
		}
	})
}
