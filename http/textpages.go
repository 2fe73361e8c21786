package http

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"parley"
	"parley/talks"
)

// negotiationFuncs are the template functions of the negotiation pages.
var negotiationFuncs = template.FuncMap{
	"score": func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
	"pscore": func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', 2, 64)
	},
	"num": func(f float64) string { return num(f) },
	// scoreIn formats a party's score in m, "" when m has none for it.
	"scoreIn": func(m map[string]float64, id string) string {
		if u, ok := m[id]; ok {
			return strconv.FormatFloat(u, 'f', 2, 64)
		}
		return ""
	},
	"add":   func(a, b int) int { return a + b },
	"paras": paragraphs,
	"sub":   func(a, b float64) float64 { return a - b },
	"add1":  func(a, b float64) float64 { return a + b },
	"pair": func(s *talks.SettlementView, p *talks.Point) solutionRow {
		return solutionRow{Settlement: s, Point: p}
	},
}

// solutionRow is one bargaining solution in the settlement table.
type solutionRow struct {
	Settlement *talks.SettlementView
	Point      *talks.Point
}

// paragraphs splits a clause body at blank lines.
func paragraphs(body string) []string { return strings.Split(body, "\n\n") }

// negotiation is what every negotiation page gets.
type negotiation struct {
	*overview
	Mediator bool
	Party    bool
	// Section names the current page in the negotiation tabs.
	Section string
}

func (s *Server) negotiation(r *http.Request, u *parley.User, section string) (*negotiation, error) {
	o, err := s.view(r, u)
	if err != nil {
		return nil, err
	}
	n := &negotiation{overview: o, Section: section}
	if o.Mine != nil {
		n.Mediator, n.Party = o.Mine.Kind == parley.KindMediator, o.Mine.Kind == parley.KindParty
	}
	return n, nil
}

// textData is the data of the text page.
type textData struct {
	*negotiation
	Text     *talks.TextView
	Versions []talks.VersionSummary
}

func (s *Server) textPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	n, err := s.negotiation(r, u, "text")
	if err != nil {
		return "", nil, err
	}
	d := &textData{negotiation: n}
	if d.Versions, err = s.Talks.TextVersions(r.Context(), u, n.ID); err != nil {
		return "", nil, err
	}
	if len(d.Versions) == 0 {
		return "text", d, nil
	}
	v, _, err := intParam(r, "version")
	if err != nil {
		return "", nil, err
	}
	d.Text, err = s.Talks.Text(r.Context(), u, n.ID, int(v))
	return "text", d, err
}

// diffData is the data of the diff page.
type diffData struct {
	*negotiation
	Diff     *talks.TextDiff
	Versions []talks.VersionSummary
}

func (s *Server) diffPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	n, err := s.negotiation(r, u, "text")
	if err != nil {
		return "", nil, err
	}
	from, _, err := intParam(r, "from")
	if err != nil {
		return "", nil, err
	}
	to, _, err := intParam(r, "to")
	if err != nil {
		return "", nil, err
	}
	d := &diffData{negotiation: n}
	if d.Versions, err = s.Talks.TextVersions(r.Context(), u, n.ID); err != nil {
		return "", nil, err
	}
	d.Diff, err = s.Talks.Diff(r.Context(), u, n.ID, int(from), int(to))
	return "diff", d, err
}

// positionsData is the data of the positions page: the matrix for a
// mediator, the party's own form for a party.
type positionsData struct {
	*negotiation
	Text      *talks.TextView
	Positions *talks.PositionsView
	// Stances are the choices of the form.
	Stances []parley.Stance
}

func (s *Server) positionsPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	n, err := s.negotiation(r, u, "positions")
	if err != nil {
		return "", nil, err
	}
	d := &positionsData{negotiation: n, Stances: []parley.Stance{parley.Accept, parley.Reserve, parley.Reject}}
	if d.Positions, err = s.Talks.Positions(r.Context(), u, n.ID, 0); err != nil {
		return "", nil, err
	}
	d.Text, err = s.Talks.Text(r.Context(), u, n.ID, d.Positions.Version)
	return "positions", d, err
}

// editData is the data of the mediators' revision form.
type editData struct {
	*negotiation
	Text *talks.TextView
	// Blank is the number of empty rows for new clauses.
	Blank []int
}

func (s *Server) editPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	n, err := s.negotiation(r, u, "text")
	if err != nil {
		return "", nil, err
	}
	vs, err := s.Talks.TextVersions(r.Context(), u, n.ID)
	if err != nil {
		return "", nil, err
	}
	if !n.Mediator {
		return "", nil, parley.Errorf(parley.EFORBIDDEN, "only a mediator can revise the text")
	}
	d := &editData{negotiation: n, Blank: []int{0, 1, 2}}
	if len(vs) > 0 {
		d.Text, err = s.Talks.Text(r.Context(), u, n.ID, 0)
	}
	return "edit", d, err
}

// textPath is the page path of a talks' negotiation page.
func textPath(id, rest string) string { return "/talks/" + url.PathEscape(id) + rest }

func (s *Server) reviseSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	count, err := strconv.Atoi(r.PostForm.Get("count"))
	if err != nil || count < 0 || count > parley.MaxClauses+10 {
		return "", "", parley.Errorf(parley.EINVALID, "the form is incomplete")
	}
	type row struct {
		order float64
		i     int
		c     talks.NewClause
	}
	var rows []row
	for i := range count {
		k := strconv.Itoa(i)
		c := talks.NewClause{ID: r.PostForm.Get("id_" + k), Title: r.PostForm.Get("title_" + k), Body: r.PostForm.Get("body_" + k)}
		if r.PostForm.Get("remove_"+k) != "" || c.ID == "" && c.Title == "" && c.Body == "" {
			continue
		}
		order, err := strconv.ParseFloat(r.PostForm.Get("order_"+k), 64)
		if err != nil {
			order = float64(i + 1)
		}
		rows = append(rows, row{order, i, c})
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].order < rows[b].order })
	nv := talks.NewVersion{Reason: r.PostForm.Get("reason"), Clauses: []talks.NewClause{}}
	for _, rw := range rows {
		nv.Clauses = append(nv.Clauses, rw.c)
	}
	tv, err := s.Talks.ReviseText(r.Context(), u, id, nv)
	if err != nil {
		return "", "", err
	}
	return textPath(id, "/text/diff?to="+strconv.Itoa(tv.Version)), tr(r).T("Version %d was recorded.", tv.Version), nil
}

func (s *Server) positionsSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	v, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return "", "", parley.Errorf(parley.EINVALID, "the form is incomplete")
	}
	np := talks.NewPositions{Version: v}
	for _, c := range r.PostForm["clause"] {
		st := r.PostForm.Get("stance_" + c)
		if st == "" {
			continue
		}
		np.Positions = append(np.Positions, talks.NewPosition{Clause: c, Stance: parley.Stance(st),
			Comment: r.PostForm.Get("comment_" + c), Wording: r.PostForm.Get("wording_" + c)})
	}
	if _, err := s.Talks.RecordPositions(r.Context(), u, id, np); err != nil {
		return "", "", err
	}
	return textPath(id, "/text/positions"), tr(r).T("Your positions were recorded."), nil
}

// agreedPage serves the agreed text as its print-friendly HTML export, or
// with ?format=markdown as a Markdown download.
func (s *Server) agreedPage(w http.ResponseWriter, r *http.Request) {
	u, err := s.pageUser(r)
	if err != nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	f, name := exportFormats["html"], ""
	if r.URL.Query().Get("format") == "markdown" {
		f, name = exportFormats["markdown"], "agreed-text.md"
	}
	doc, err := s.Talks.ExportText(r.Context(), u, r.PathValue("id"), f.format)
	if err != nil {
		s.renderError(w, r, u, err)
		return
	}
	writeDocument(w, doc, f.mime, name)
}
