package http_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/talks"
)

// testDomain is a small negotiation domain: 16 × 3 × 3 packages.
const testDomain = `name: ceasefire
issues:
  - name: days
    range: {low: 0, high: 90, step: 6}
  - name: phase-1
    options: ["10", "20", "33"]
  - name: rafah
    options: [closed, humanitarian, open]
`

func TestDomainAndProposalsAPI(t *testing.T) {
	e := newEnv(t)
	hamasStream := e.openStream(t, "hamas", 0, "")
	e.must(t, 404, "israel", "GET", e.talks("/domain"), nil)
	e.must(t, 403, "israel", "PUT", e.talks("/domain"), talks.NewDomain{Source: testDomain})
	e.must(t, 404, "observer", "PUT", e.talks("/domain"), talks.NewDomain{Source: testDomain})
	e.must(t, 400, "qatar", "PUT", e.talks("/domain"), talks.NewDomain{Source: "issues: 3"})
	e.must(t, 413, "qatar", "PUT", e.talks("/domain"), talks.NewDomain{Source: strings.Repeat("#", parley.MaxDomainBytes+1)})
	var d talks.DomainView
	json.Unmarshal(e.must(t, 200, "qatar", "PUT", e.talks("/domain"), talks.NewDomain{Source: testDomain}), &d)
	if d.Outcomes != "144" || len(d.Issues) != 3 {
		t.Fatalf("domain %+v", d)
	}
	e.must(t, 200, "hamas", "GET", e.talks("/domain"), nil)
	e.must(t, 404, "observer", "GET", e.talks("/domain"), nil)

	np := talks.NewProposal{Room: "caucus:israel", Package: map[string]string{"days": "30", "phase-1": "33", "rafah": "closed"}, Note: "a start"}
	e.must(t, 400, "israel", "POST", e.talks("/proposals"), `{"room":"caucus:israel","package":{"days":30,"phase-1":"33","rafah":"closed"}}`)
	code, out := e.do(t, "israel", "POST", e.talks("/proposals"), np)
	if code != 201 {
		t.Fatalf("propose: %d %s", code, out)
	}
	var m parley.Message
	json.Unmarshal(out, &m)
	e.must(t, 200, "israel2", "GET", "/api/v1/talks/"+e.TalksID+"/rooms/caucus:israel/messages/"+m.ID, nil)
	var rel parley.Message
	json.Unmarshal(e.must(t, 201, "qatar", "POST", e.talks("/relays"), talks.NewRelay{SourceRoom: "caucus:israel", MessageID: m.ID, TargetRoom: "caucus:hamas", Mode: parley.Verbatim, Attribution: parley.Attributed}), &rel)
	if rel.Proposal == nil || rel.Proposal.Package["rafah"] != "closed" {
		t.Fatalf("relayed: %+v", rel)
	}
	var list struct{ Proposals []talks.ProposalView }
	json.Unmarshal(e.must(t, 200, "hamas", "GET", e.talks("/proposals"), nil), &list)
	if len(list.Proposals) != 1 || list.Proposals[0].ID != rel.ID || list.Proposals[0].Relay.SourceRoom != "" {
		t.Fatalf("hamas lists %+v", list)
	}
	// The stream carries the structure to the recipient.
	var got *parley.Proposal
	for _, ev := range hamasStream.collect(300 * time.Millisecond) {
		var pe struct{ Data parley.Message }
		json.Unmarshal([]byte(ev.Data), &pe)
		if ev.Kind == parley.EventMessagePosted && pe.Data.ID == rel.ID {
			got = pe.Data.Proposal
		}
		if strings.Contains(ev.Data, m.ID) {
			t.Errorf("hamas's stream names the source message: %s", ev.Data)
		}
	}
	if got == nil || got.Package["days"] != "30" || got.Note != "a start" {
		t.Fatalf("streamed proposal %+v", got)
	}
	e.must(t, 409, "qatar", "PUT", e.talks("/domain"), talks.NewDomain{Source: testDomain})
	e.must(t, 404, "outsider", "GET", e.talks("/proposals"), nil)
}
