package http

import (
	"net/http"
	"net/url"
	"strings"

	"parley"
	"parley/talks"
)

// The operator's pages create talks, delegations, members and users
// through the same service commands, and so the same rules, as the API:
// an administrator sets talks up, and once a mediator is seated the
// mediators decide who takes part.

// adminData is the data of the administration page.
type adminData struct {
	Users []parley.User
	Talks []talks.View
}

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	if !u.Admin {
		return "", nil, parley.Errorf(parley.ENOTFOUND, "page not found")
	}
	d := &adminData{}
	var err error
	if d.Users, err = s.Talks.Users(r.Context(), u); err != nil {
		return "", nil, err
	}
	d.Talks, err = s.Talks.List(r.Context(), u)
	return "admin", d, err
}

func (s *Server) createUserSubmit(r *http.Request, u *parley.User) (string, string, error) {
	nu := talks.NewUser{Name: strings.TrimSpace(r.PostForm.Get("name")), DisplayName: strings.TrimSpace(r.PostForm.Get("display_name")),
		Password: r.PostForm.Get("password"), Admin: r.PostForm.Get("admin") == "on"}
	created, err := s.Talks.CreateUser(r.Context(), u, nu)
	if err != nil {
		return "", "", err
	}
	return "/admin", tr(r).T("The account %s was created.", created.Name), nil
}

func (s *Server) createTalksSubmit(r *http.Request, u *parley.User) (string, string, error) {
	v, err := s.Talks.CreateTalks(r.Context(), u, strings.TrimSpace(r.PostForm.Get("title")))
	if err != nil {
		return "", "", err
	}
	return "/talks/" + url.PathEscape(v.ID), tr(r).T("The talks were created. Add their delegations next."), nil
}

func (s *Server) addDelegationSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	nd := talks.NewDelegation{Name: strings.TrimSpace(r.PostForm.Get("name")), Slug: strings.TrimSpace(r.PostForm.Get("slug")),
		Kind: parley.DelegationKind(r.PostForm.Get("kind"))}
	d, err := s.Talks.AddDelegation(r.Context(), u, id, nd)
	if err != nil {
		return "", "", err
	}
	return "/talks/" + url.PathEscape(id) + "#manage", tr(r).T("The delegation %s was added.", d.Name), nil
}

func (s *Server) addMemberSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	nm := talks.NewMember{User: strings.TrimSpace(r.PostForm.Get("user")), Role: parley.MemberRole(r.PostForm.Get("role")), Title: strings.TrimSpace(r.PostForm.Get("title"))}
	m, err := s.Talks.AddMember(r.Context(), u, id, r.PostForm.Get("delegation"), nm)
	if err != nil {
		return "", "", err
	}
	return "/talks/" + url.PathEscape(id) + "#manage", tr(r).T("%s was added to the delegation.", m.DisplayName), nil
}

// ledgerData is the data of the ledger page.
type ledgerData struct {
	Checkpoint *checkpointView
	Key        string
}

func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	d := &ledgerData{}
	note, err := s.Talks.Checkpoint(r.Context(), u)
	if err == nil {
		d.Checkpoint = parseCheckpoint(note)
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return "", nil, err
	}
	if d.Key, err = s.Talks.LedgerKey(r.Context(), u); err != nil && parley.ErrorCode(err) == parley.EINTERNAL {
		return "", nil, err
	}
	return "ledger", d, nil
}
