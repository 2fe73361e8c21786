package http_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"

	"parley"
	parleyhttp "parley/http"
	"parley/talks"
)

func newCaptive(ref string, nats ...string) talks.NewCaptive {
	return talks.NewCaptive{Ref: ref, Holder: "hamas", Nationalities: nats, CapturedOn: "2023-10-07", CapturedPlace: "Nir Oz", Categories: []string{"civilian"},
		Status: talks.NewCaptiveStatus{Status: parley.CaptiveAlive, Confidence: parley.Believed, Source: "mediators' list", Date: "2024-11-20"}}
}

// sendCSV posts a CSV body as user and returns the status and body.
func (e *env) sendCSV(t *testing.T, user, path, contentType, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("error with Content-Type %q", resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, b
}

// TestCaptivesAccess: mediators keep the registry; parties and observers
// see the aggregates only, until the mediators let them read the records;
// the operator and outsiders see nothing; the event stream and the ledger
// bundle follow the same rule.
func TestCaptivesAccess(t *testing.T) {
	e := newQuietEnv(t)
	e.fixClock()
	streams := e.openStreams(t)

	var c parley.Captive
	decodeJSON(t, e.must(t, 201, "qatar", "POST", e.talks("/captives"), newCaptive("H-001", "US", "IL")), &c)
	if c.DaysInCaptivity == nil || *c.DaysInCaptivity != 425 || c.Status.Status != parley.CaptiveAlive || c.Holder != e.delegationID(t, "hamas") {
		t.Fatalf("recorded: %+v", c)
	}
	e.must(t, 201, "envoy", "POST", e.talks("/captives"), newCaptive("H-002", "IL"))
	for _, u := range []string{"israel", "hamas", "observer", "operator"} {
		e.must(t, 403, u, "POST", e.talks("/captives"), newCaptive("H-003", "IL"))
		e.must(t, 403, u, "POST", e.talks("/captives/H-001/status"), talks.NewCaptiveStatus{Status: parley.CaptiveDeceased, Confidence: parley.Believed, Source: "x"})
	}
	e.must(t, 404, "outsider", "POST", e.talks("/captives"), newCaptive("H-003", "IL"))
	e.must(t, 409, "qatar", "POST", e.talks("/captives"), newCaptive("H-001", "IL"))

	records := []string{"/captives", "/captives/H-001", "/captives/export"}
	check := func(readers ...string) {
		t.Helper()
		for _, u := range members {
			want := 404
			for _, r := range readers {
				if r == u {
					want = 200
				}
			}
			for _, p := range records {
				if got, _ := e.do(t, u, "GET", e.talks(p), nil); got != want {
					t.Errorf("%s GET %s: %d, want %d", u, p, got, want)
				}
			}
		}
		if got, _ := e.do(t, "", "GET", e.talks("/captives"), nil); got != 401 {
			t.Errorf("anonymous: %d", got)
		}
	}
	check("qatar", "envoy")
	// A missing captive and a hidden one answer alike.
	_, hidden := e.do(t, "israel", "GET", e.talks("/captives/H-001"), nil)
	_, missing := e.do(t, "israel", "GET", e.talks("/captives/H-404"), nil)
	if strings.ReplaceAll(string(hidden), "H-001", "H-404") != string(missing) {
		t.Errorf("hidden and missing records differ:\n%s\n%s", hidden, missing)
	}

	// Aggregates are every member's.
	for _, u := range members {
		want := 200
		if u == "operator" || u == "outsider" {
			want = 404
		}
		code, out := e.do(t, u, "GET", e.talks("/captives/aggregates"), nil)
		if code != want {
			t.Errorf("%s aggregates: %d, want %d", u, code, want)
			continue
		}
		if code == 200 {
			var a talks.Aggregates
			decodeJSON(t, out, &a)
			if a.AsOf != "2024-12-05" || a.All.Held != 2 || a.All.MaxDays != 425 || a.Records != (u == "qatar" || u == "envoy") {
				t.Errorf("%s aggregates: %+v", u, a)
			}
		}
	}

	// Only mediators grant access, never to mediators, and not twice.
	e.must(t, 403, "israel", "POST", e.talks("/captives/access"), map[string]any{"delegation": "israel", "records": true})
	e.must(t, 400, "qatar", "POST", e.talks("/captives/access"), map[string]any{"delegation": "envoy", "records": true})
	e.must(t, 400, "qatar", "POST", e.talks("/captives/access"), map[string]any{"delegation": "israel"})
	e.must(t, 404, "qatar", "POST", e.talks("/captives/access"), map[string]any{"delegation": "nobody", "records": true})
	var al parleyhttp.AccessList
	decodeJSON(t, e.must(t, 200, "qatar", "POST", e.talks("/captives/access"), map[string]any{"delegation": "israel", "records": true}), &al)
	e.must(t, 409, "qatar", "POST", e.talks("/captives/access"), map[string]any{"delegation": "israel", "records": true})
	check("qatar", "envoy", "israel", "israel2")
	decodeJSON(t, e.must(t, 200, "hamas", "GET", e.talks("/captives/access"), nil), &al)
	for _, a := range al.Access {
		if a.Records != (a.Slug == "israel" || a.Kind == parley.KindMediator) {
			t.Errorf("access listed: %+v", a)
		}
	}
	e.must(t, 404, "outsider", "GET", e.talks("/captives/access"), nil)
	e.must(t, 200, "qatar", "POST", e.talks("/captives/access"), map[string]any{"delegation": "israel", "records": false})
	check("qatar", "envoy")

	// Registry events reach the readers of records only; by the time the
	// bundle is made, Israel's access is withdrawn again.
	e.must(t, 200, "qatar", "POST", e.talks("/captives/H-002/status"), talks.NewCaptiveStatus{Status: parley.CaptiveDeceased, Confidence: parley.Believed, Source: "a source", Date: "2024-12-01"})
	want := map[string]bool{"qatar": true, "envoy": true}
	e.checkReadPaths(t, streams, want, "captive records", func(kind, room string) bool {
		return room == parley.RoomRegistry || strings.HasPrefix(kind, "captive.")
	})
	// Search does not reach into the registry.
	var res parleyhttp.SearchResults
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks("/search?q=Nir"), nil), &res)
	if len(res.Messages) != 0 {
		t.Errorf("search found %d messages", len(res.Messages))
	}
	// Nobody posts into the registry pseudo-room.
	e.must(t, 404, "qatar", "POST", e.talks("/rooms/registry/messages"), map[string]string{"text": "x"})
}

// delegationID returns the id of a fixture delegation.
func (e *env) delegationID(t *testing.T, slug string) string {
	t.Helper()
	var d parley.Delegation
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks("/delegations/"+slug), nil), &d)
	return d.ID
}

// TestCaptiveFigures: days in captivity are derived, stop at release, and
// the aggregates follow the history on any day.
func TestCaptiveFigures(t *testing.T) {
	e := newQuietEnv(t)
	e.fixClock()
	for i, ref := range []string{"A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-7"} {
		nc := newCaptive(ref, "US", "IL")
		if i >= 3 {
			nc.Status = talks.NewCaptiveStatus{Status: parley.CaptiveDeceased, Confidence: parley.Confirmed, Source: "IDF", Date: "2024-09-01"}
		}
		e.must(t, 201, "qatar", "POST", e.talks("/captives"), nc)
	}
	e.must(t, 201, "qatar", "POST", e.talks("/captives"), newCaptive("B-1", "TH"))
	var c parley.Captive
	decodeJSON(t, e.must(t, 200, "qatar", "POST", e.talks("/captives/B-1/status"),
		talks.NewCaptiveStatus{Status: parley.CaptiveReleased, Confidence: parley.Confirmed, Source: "ICRC", Date: "2023-11-25", Since: "2023-11-24"}), &c)
	if *c.DaysInCaptivity != 48 || len(c.History) != 2 || c.Status.Status != parley.CaptiveReleased {
		t.Errorf("released: %+v", c)
	}
	// The record is closed; the dates are checked.
	e.must(t, 409, "qatar", "POST", e.talks("/captives/B-1/status"), talks.NewCaptiveStatus{Status: parley.CaptiveAlive, Confidence: parley.Believed, Source: "x"})
	e.must(t, 400, "qatar", "POST", e.talks("/captives/A-1/status"), talks.NewCaptiveStatus{Status: parley.CaptiveReleased, Confidence: parley.Confirmed, Source: "x", Date: "2023-10-06", Since: "2023-10-06"})
	e.must(t, 400, "qatar", "POST", e.talks("/captives/A-1/status"), talks.NewCaptiveStatus{Status: parley.CaptiveAlive, Confidence: parley.Believed, Source: "x", Date: "2025-01-01"})
	e.must(t, 404, "qatar", "POST", e.talks("/captives/Z-9/status"), talks.NewCaptiveStatus{Status: parley.CaptiveAlive, Confidence: parley.Believed, Source: "x"})
	e.must(t, 400, "qatar", "POST", e.talks("/captives"), talks.NewCaptive{Ref: "bad ref", Holder: "hamas", Nationalities: []string{"US"}})
	e.must(t, 400, "qatar", "POST", e.talks("/captives"), talks.NewCaptive{Ref: "aggregates", Holder: "hamas", Nationalities: []string{"US"}})
	nc := newCaptive("C-1", "USA")
	e.must(t, 400, "qatar", "POST", e.talks("/captives"), nc)
	nc = newCaptive("C-1", "US")
	nc.Holder = "qatar"
	e.must(t, 400, "qatar", "POST", e.talks("/captives"), nc)

	var a talks.Aggregates
	decodeJSON(t, e.must(t, 200, "israel", "GET", e.talks("/captives/aggregates?as_of=2024-12-05"), nil), &a)
	var us parley.CaptiveGroup
	for _, g := range a.ByNationality {
		if g.Key == "US" {
			us = g
		}
	}
	if us.Held != 7 || us.Alive.Believed != 3 || us.MaxDays != 425 || a.All.Held != 7 || a.All.Released != 1 {
		t.Errorf("US on 2024-12-05: %+v; all %+v", us, a.All)
	}
	decodeJSON(t, e.must(t, 200, "israel", "GET", e.talks("/captives/aggregates?as_of=2023-11-01"), nil), &a)
	if a.All.Held != 8 || a.All.Released != 0 || a.All.MaxDays != 25 {
		t.Errorf("on 2023-11-01: %+v", a.All)
	}
	e.must(t, 400, "israel", "GET", e.talks("/captives/aggregates?as_of=5+Dec"), nil)
}

// TestCaptivesCSV: every row is checked, refused rows are reported with
// their line and reason, and nothing is imported unless all pass; export
// gives back what import reads.
func TestCaptivesCSV(t *testing.T) {
	e := newQuietEnv(t)
	e.fixClock()
	e.must(t, 201, "qatar", "POST", e.talks("/captives"), newCaptive("H-001", "IL"))
	path := e.talks("/captives/import")
	header := "ref,name,holder,nationalities,captured_on,captured_precision,captured_place,categories,status,confidence,status_source,status_date,status_since\n"
	good := "H-010,,hamas,US;IL,2023-10-07,day,Kfar Aza,civilian;woman,alive,believed,list,2024-11-01,\n" +
		"H-011,,hamas,TH,2023-10,month,,civilian,unknown,unverified,list,2024-11-01,\n"
	bad := header + good +
		"H-001,,hamas,IL,2023-10-07,day,,civilian,alive,believed,list,2024-11-01,\n" + // line 4: already recorded
		"H-012,,hamas,IL,2023-10-07,day,,civilian,released,confirmed,ICRC,2023-10-05,2023-10-05\n" + // 5: release before capture
		"H-013,,qatar,IL,2023-10-07,day,,civilian,alive,believed,list,2024-11-01,\n" + // 6: holder not a party
		"H-010,,hamas,IL,2023-10-07,day,,civilian,alive,believed,list,2024-11-01,\n" + // 7: ref twice in the file
		"H-014,,hamas,IL,2023-10-07,day,,pilot,alive,believed,list,2024-11-01,\n" + // 8: unknown category
		"H-015,,hamas,IL\n" + // 9: too few fields
		"H-016,,hamas,IL,2023-10-07,day,,civilian,alive,believed,\"unclosed,2024-11-01,\n"
	code, out := e.sendCSV(t, "qatar", path, "text/csv", bad)
	if code != 400 {
		t.Fatalf("bad import: %d %s", code, out)
	}
	var p parleyhttp.ImportProblem
	decodeJSON(t, out, &p)
	lines := map[int]string{}
	for _, r := range p.Report.Refused {
		lines[r.Line] = r.Reason
	}
	for line, want := range map[int]string{4: "already recorded", 5: "no release before capture", 6: "not a party", 7: "also on line 2", 8: "category", 9: "fields", 10: "malformed CSV"} {
		if !strings.Contains(lines[line], want) {
			t.Errorf("line %d: %q, want it to say %q", line, lines[line], want)
		}
	}
	if p.Code != "invalid" || p.Report.Imported != 0 || p.Report.Rows != 9 || len(p.Report.Refused) != 7 {
		t.Errorf("report: %+v %+v", p.Problem, p.Report)
	}
	var a talks.Aggregates
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks("/captives/aggregates"), nil), &a)
	if a.All.Held != 1 {
		t.Fatalf("something was imported: %+v", a.All)
	}

	// A dry run checks and writes nothing; the real import writes all.
	code, out = e.sendCSV(t, "qatar", path+"?dry_run=true", "text/csv; charset=utf-8", header+good)
	var rep talks.ImportReport
	decodeJSON(t, out, &rep)
	if code != 200 || rep.Imported != 0 || !rep.DryRun || rep.Rows != 2 {
		t.Fatalf("dry run: %d %s", code, out)
	}
	code, out = e.sendCSV(t, "qatar", path, "text/csv", header+good)
	decodeJSON(t, out, &rep)
	if code != 200 || rep.Imported != 2 {
		t.Fatalf("import: %d %s", code, out)
	}
	var c parley.Captive
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks("/captives/H-011"), nil), &c)
	if c.CapturedOn != "2023-10-01" || c.CapturedPrecision != parley.PrecisionMonth || *c.DaysInCaptivity != 431 {
		t.Errorf("month precision: %+v", c)
	}

	// What cannot be a captives CSV at all.
	for _, tc := range []struct {
		ct, body string
		code     int
	}{
		{"application/json", header + good, 415},
		{"text/csv", "", 400},
		{"text/csv", header, 400},
		{"text/csv", "ref,colour\nH-1,red\n", 400},
		{"text/csv", "ref,holder\nH-1,hamas\n", 400},
		{"text/csv", header + "H-\xff,,hamas,IL,2023-10-07,day,,civilian,alive,believed,list,2024-11-01,\n", 400},
	} {
		if code, out := e.sendCSV(t, "qatar", path, tc.ct, tc.body); code != tc.code {
			t.Errorf("%q: %d %s, want %d", tc.body, code, out, tc.code)
		}
	}
	if code, _ := e.sendCSV(t, "israel", path, "text/csv", header+good); code != 403 {
		t.Errorf("a party imports: %d", code)
	}
	if code, _ := e.sendCSV(t, "qatar", path+"?dry_run=maybe", "text/csv", header+good); code != 400 {
		t.Errorf("dry_run=maybe: %d", code)
	}

	// Export, then import into a fresh deployment: the same records.
	exported := exportCaptives(t, e)
	if strings.Count(string(exported), "\n") != 4 {
		t.Fatalf("export: %s", exported)
	}
	f := newQuietEnv(t)
	f.fixClock()
	code, out = f.sendCSV(t, "qatar", f.talks("/captives/import"), "text/csv", string(exported))
	if code != 200 {
		t.Fatalf("re-import: %d %s", code, out)
	}
	var again parley.Captive
	decodeJSON(t, f.must(t, 200, "qatar", "GET", f.talks("/captives/H-010"), nil), &again)
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks("/captives/H-010"), nil), &c)
	if strings.Join(again.Nationalities, ";") != "IL;US" || strings.Join(again.Categories, ";") != strings.Join(c.Categories, ";") || again.CapturedPlace != c.CapturedPlace || again.Status.Source != c.Status.Source {
		t.Errorf("round trip: %+v\nvs %+v", again, c)
	}
}

// TestCaptivesCSVFormulas: a cell that a spreadsheet would run as a
// formula leaves in the export behind an apostrophe, and comes back from
// a re-import exactly as typed.
func TestCaptivesCSVFormulas(t *testing.T) {
	e := newQuietEnv(t)
	e.fixClock()
	header := "ref,name,holder,nationalities,captured_on,captured_precision,captured_place,categories,status,confidence,status_source,status_date,status_since\n"
	row := `H-020,"=HYPERLINK(""http://example.invalid"",""x"")",hamas,IL,2023-10-07,day,@SUM(A1),civilian,alive,believed,+list -2,2024-11-01,` + "\n"
	if code, out := e.sendCSV(t, "qatar", e.talks("/captives/import"), "text/csv", header+row); code != 200 {
		t.Fatalf("import: %d %s", code, out)
	}
	var orig parley.Captive
	decodeJSON(t, e.must(t, 200, "qatar", "GET", e.talks("/captives/H-020"), nil), &orig)
	if orig.Name != `=HYPERLINK("http://example.invalid","x")` || orig.CapturedPlace != "@SUM(A1)" || orig.Status.Source != "+list -2" {
		t.Fatalf("imported: %+v", orig)
	}
	exported := exportCaptives(t, e)
	recs, err := csv.NewReader(strings.NewReader(string(exported))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("exported cell %q would run as a formula", cell)
			}
		}
	}
	f := newQuietEnv(t)
	f.fixClock()
	if code, out := f.sendCSV(t, "qatar", f.talks("/captives/import"), "text/csv", string(exported)); code != 200 {
		t.Fatalf("re-import: %d %s", code, out)
	}
	var again parley.Captive
	decodeJSON(t, f.must(t, 200, "qatar", "GET", f.talks("/captives/H-020"), nil), &again)
	if again.Name != orig.Name || again.CapturedPlace != orig.CapturedPlace || again.Status.Source != orig.Status.Source {
		t.Errorf("round trip: %+v\nvs %+v", again, orig)
	}
}

// exportCaptives downloads the captives CSV as the mediator qatar.
func exportCaptives(t *testing.T, e *env) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+e.talks("/captives/export"), nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["qatar"])
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("export: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return b
}
