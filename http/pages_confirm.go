package http

import (
	"net/http"
	"net/url"
	"strconv"

	"parley"
	"parley/talks"
)

// A destructive or irreversible action (suspending, concluding or
// collapsing the talks, withdrawing a party, suspending a mediation,
// declaring a text agreed) is never done by one click: its form leads to a
// page that says what will happen and asks for a reason, and the action's
// handler refuses to act without that page's confirmation.

// confirmAction describes one action that needs confirming.
type confirmAction struct {
	// Title and What are catalog keys: the page's heading and what will
	// happen.
	Title, What string
	// Irreversible actions say so.
	Irreversible bool
	// Action is the form's target (under /talks/{id}) and its hidden
	// fields.
	Action string
	Fields map[string]string
	// Button is the catalog key of the confirming button.
	Button string
	// ReasonRequired asks for a reason (all but the agreed text, whose
	// summary is optional).
	ReasonRequired bool
}

var confirmActions = map[string]confirmAction{
	"suspend": {Title: "Suspend the talks",
		What:   "No one will be able to post, relay, revise the text or record positions until a mediator resumes the talks. Every delegation sees that the talks are suspended, and your reason; the change is recorded in the ledger.",
		Action: "/status", Fields: map[string]string{"action": "suspend"}, Button: "Suspend the talks", ReasonRequired: true},
	"conclude": {Title: "Conclude the talks", Irreversible: true,
		What:   "The talks end for good: no more messages, relays, revisions or positions, in any room. Every delegation sees that the talks are concluded, and your reason; the change is recorded in the ledger.",
		Action: "/status", Fields: map[string]string{"action": "conclude"}, Button: "Conclude the talks", ReasonRequired: true},
	"collapse": {Title: "Record that the talks collapsed", Irreversible: true,
		What:   "The talks end for good as collapsed: no more messages, relays, revisions or positions, in any room. Every delegation sees it, and your reason; the change is recorded in the ledger.",
		Action: "/status", Fields: map[string]string{"action": "collapse"}, Button: "Record the collapse", ReasonRequired: true},
	"withdraw": {Title: "Withdraw your delegation",
		What:   "Your delegation leaves the negotiation until it re-engages. Your caucus stays open: what the mediators send you is held and shown when you re-engage. Every delegation sees that you withdrew, and your reason.",
		Action: "/presence", Fields: map[string]string{"action": "withdraw"}, Button: "Withdraw", ReasonRequired: true},
	"suspend-mediation": {Title: "Suspend your mediation",
		What:   "Your delegation stops mediating until it resumes: you can no longer relay messages or revise the text. Every delegation sees it, and your reason.",
		Action: "/presence", Fields: map[string]string{"action": "suspend"}, Button: "Suspend my mediation", ReasonRequired: true},
	"agree": {Title: "Declare this version of the text agreed", Irreversible: true,
		What:   "This version becomes the agreement, and the talks are concluded on it: no more revisions, positions or messages. Every delegation sees the agreed text; it is recorded in the ledger and can be checked offline.",
		Action: "/text/agree", Button: "Declare it agreed and conclude the talks"},
}

// confirmData is the data of a confirmation page.
type confirmData struct {
	*overview
	Key string
	confirmAction
	// Version is the text version to declare agreed.
	Version int
	// Stages are the agreement's possible stages.
	Stages []parley.AgreementStage
}

func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.view(r, u)
	if err != nil {
		return "", nil, err
	}
	key := r.URL.Query().Get("action")
	a, ok := confirmActions[key]
	if !ok {
		return "", nil, parley.Errorf(parley.ENOTFOUND, "no such action")
	}
	d := &confirmData{overview: o, Key: key, confirmAction: a,
		Stages: []parley.AgreementStage{parley.StageFramework, parley.StageCeasefire, parley.StagePreNegotiation, parley.StageImplementation, parley.StageRenewal}}
	d.Section = "overview"
	if key == "agree" {
		v, _, err := intParam(r, "version")
		if err != nil {
			return "", nil, err
		}
		d.Version = int(v)
	}
	return "confirm", d, nil
}

// confirmPath is the confirmation page of an action in the talks.
func confirmPath(id, action string, extra ...string) string {
	p := "/talks/" + url.PathEscape(id) + "/confirm?action=" + url.QueryEscape(action)
	for i := 0; i+1 < len(extra); i += 2 {
		p += "&" + url.QueryEscape(extra[i]) + "=" + url.QueryEscape(extra[i+1])
	}
	return p
}

// confirmed reports whether a form came from its confirmation page.
func confirmed(r *http.Request) bool { return r.PostForm.Get("confirmed") == "yes" }

func (s *Server) statusSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id, action := r.PathValue("id"), talks.StatusAction(r.PostForm.Get("action"))
	if action != talks.ActionResume && !confirmed(r) {
		return confirmPath(id, string(action)), "", nil
	}
	_, err := s.Talks.SetStatus(r.Context(), u, id, action, r.PostForm.Get("reason"))
	return "/talks/" + url.PathEscape(id), tr(r).T("The talks are now %s.", label(tr(r), talksState[action])), err
}

// talksState is the status each action leads to.
var talksState = map[talks.StatusAction]parley.TalksStatus{talks.ActionSuspend: parley.TalksSuspended, talks.ActionResume: parley.TalksActive,
	talks.ActionConclude: parley.TalksConcluded, talks.ActionCollapse: parley.TalksCollapsed}

func (s *Server) presenceSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id, action := r.PathValue("id"), talks.PresenceAction(r.PostForm.Get("action"))
	if !confirmed(r) {
		switch action {
		case talks.ActionWithdraw:
			return confirmPath(id, "withdraw"), "", nil
		case talks.ActionSuspendMe:
			return confirmPath(id, "suspend-mediation"), "", nil
		}
	}
	d, err := s.Talks.ChangePresence(r.Context(), u, id, r.PostForm.Get("delegation"), action, r.PostForm.Get("reason"))
	if err != nil {
		return "", "", err
	}
	return "/talks/" + url.PathEscape(id), tr(r).T("%[1]s is now %[2]s.", d.Name, label(tr(r), d.Presence)), nil
}

func (s *Server) plenarySubmit(r *http.Request, u *parley.User) (string, string, error) {
	open := r.PostForm.Get("open") == "true"
	_, err := s.Talks.SetPlenary(r.Context(), u, r.PathValue("id"), open)
	msg := tr(r).T("The plenary is closed.")
	if open {
		msg = tr(r).T("The plenary is open: every delegation can read and post in it.")
	}
	return "", msg, err
}

func (s *Server) agreeSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	v, _ := strconv.Atoi(r.PostForm.Get("version"))
	if !confirmed(r) {
		return confirmPath(id, "agree", "version", strconv.Itoa(v)), "", nil
	}
	a, err := s.Talks.AgreeText(r.Context(), u, id, talks.AgreeText{Version: v, Stage: parley.AgreementStage(r.PostForm.Get("stage")), Summary: r.PostForm.Get("summary")})
	if err != nil {
		return "", "", err
	}
	return textPath(id, "/text"), tr(r).T("Version %d is declared agreed; the talks are concluded.", a.TextVersion), nil
}
