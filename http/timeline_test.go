package http_test

import (
	"fmt"
	"strings"
	"testing"

	parleyhttp "parley/http"
)

// TestTimeline: every change of the talks' status and of each delegation's
// presence, in order, with reasons and who did it, for every member.
func TestTimeline(t *testing.T) {
	e := newQuietEnv(t)
	e.must(t, 200, "qatar", "POST", e.talks("/delegations/qatar/presence"), map[string]string{"action": "suspend", "reason": "lack of good faith"})
	e.must(t, 200, "hamas", "POST", e.talks("/delegations/hamas/presence"), map[string]string{"action": "withdraw", "reason": "appearances"})
	e.must(t, 200, "qatar", "POST", e.talks("/delegations/qatar/presence"), map[string]string{"action": "resume"})
	e.must(t, 200, "envoy", "POST", e.talks("/status"), map[string]string{"action": "suspend", "reason": "stalled"})
	e.must(t, 200, "envoy", "POST", e.talks("/status"), map[string]string{"action": "resume"})
	want := []string{
		"open active   by User operator",
		"suspend suspended qatar lack of good faith by User qatar",
		"withdraw withdrawn hamas appearances by User hamas",
		"resume engaged qatar  by User qatar",
		"suspend suspended  stalled by User envoy",
		"resume active   by User envoy",
	}
	for _, u := range members {
		code, out := e.do(t, u, "GET", e.talks("/timeline"), nil)
		if u == "operator" || u == "outsider" {
			if code != 404 {
				t.Errorf("%s: %d", u, code)
			}
			continue
		}
		var tl parleyhttp.TimelineList
		decodeJSON(t, out, &tl)
		var got []string
		for i, en := range tl.Timeline {
			got = append(got, fmt.Sprintf("%s %s %s %s by %s", en.Action, en.State, en.DelegationName, en.Reason, en.ByName))
			if i > 0 && en.Seq <= tl.Timeline[i-1].Seq {
				t.Errorf("out of order: %+v", tl.Timeline)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s's timeline:\n%s\nwant:\n%s", u, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
