package http

import (
	"fmt"

	"parley/i18n"
)

// labels are the words the pages show for the values of parley's
// enumerations (statuses, kinds, roles, disclosures, stances…), keyed by
// what the value means where several enumerations share a word. Each is
// a catalog key.
var labels = map[string]string{
	// Talks status and delegation presence.
	"active": "active", "suspended": "suspended", "concluded": "concluded", "collapsed": "collapsed",
	"engaged": "engaged", "withdrawn": "withdrawn",
	// Delegation kinds and member roles.
	"party": "party", "mediator": "mediator", "observer": "observer",
	"head": "head", "negotiator": "negotiator", "staff": "staff",
	// Disclosures.
	"mediator-only": "not to be relayed", "relayable": "may be relayed", "public": "public",
	// Stances on a clause.
	"accept": "accept", "reserve": "reserve", "reject": "reject",
	// Agreement stages.
	"pre-negotiation": "pre-negotiation", "ceasefire": "ceasefire", "framework": "framework", "implementation": "implementation", "renewal": "renewal",
	// Captives.
	"alive": "alive", "deceased": "deceased", "unknown": "unknown", "released": "released",
	"confirmed": "confirmed", "believed": "believed", "unverified": "unverified",
	// Meetings.
	"negotiation-round": "negotiation round", "briefing": "briefing", "consultation": "consultation",
	// Obligations and their verification.
	"release-captives": "release of captives", "release-prisoners": "release of prisoners", "aid-trucks": "aid trucks",
	"withdrawal": "withdrawal", "other": "other",
	"pending": "pending", "delivered": "delivered", "partly-delivered": "partly delivered", "late": "late", "violated": "violated",
	// Timeline actions.
	"open": "open", "suspend": "suspend", "resume": "resume", "conclude": "conclude", "collapse": "collapse",
	"withdraw": "withdraw", "re-engage": "re-engage",
	// Clause changes between versions.
	"added": "added", "removed": "removed", "changed": "changed", "unchanged": "unchanged",
	// Reflections.
	"waiting": "waiting", "revealed": "revealed", "declined": "declined",
	// Text states.
	"draft": "draft", "ready": "ready to be declared agreed", "agreed": "agreed",
}

// label is the word the page shows for an enumeration value, in the
// language; an unknown value is shown as it is.
func label(l *i18n.Locale, v any) string {
	s := fmt.Sprint(v)
	if k, ok := labels[s]; ok {
		return l.T(k)
	}
	return s
}
