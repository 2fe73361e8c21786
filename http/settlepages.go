package http

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"

	"parley"
	"parley/talks"
)

// proposalsData is the data of the proposals page.
type proposalsData struct {
	*negotiation
	Domain      *talks.DomainView
	Proposals   []talks.ProposalView
	Rooms       []parley.Room
	Reflections []talks.ReflectionView
}

func (s *Server) proposalsPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	n, err := s.negotiation(r, u, "proposals")
	if err != nil {
		return "", nil, err
	}
	d := &proposalsData{negotiation: n}
	if d.Proposals, err = s.Talks.Proposals(r.Context(), u, n.ID); err != nil {
		return "", nil, err
	}
	// Newest first on the page.
	for i, j := 0, len(d.Proposals)-1; i < j; i, j = i+1, j-1 {
		d.Proposals[i], d.Proposals[j] = d.Proposals[j], d.Proposals[i]
	}
	d.Domain, err = s.Talks.Domain(r.Context(), u, n.ID)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return "", nil, err
	}
	for _, rm := range n.Rooms {
		if rm.Writable {
			d.Rooms = append(d.Rooms, rm)
		}
	}
	if n.Party {
		if d.Reflections, err = s.Talks.Reflections(r.Context(), u, n.ID); err != nil {
			return "", nil, err
		}
	}
	return "proposals", d, nil
}

func (s *Server) domainSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	if _, err := s.Talks.SetDomain(r.Context(), u, id, talks.NewDomain{Source: r.PostForm.Get("source")}); err != nil {
		return "", "", err
	}
	return textPath(id, "/proposals"), tr(r).T("The negotiation domain is set."), nil
}

func (s *Server) proposeSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	np := talks.NewProposal{Room: r.PostForm.Get("room"), Note: r.PostForm.Get("note"), Disclosure: parley.Disclosure(r.PostForm.Get("disclosure")), Package: map[string]string{}}
	for _, issue := range r.PostForm["issue"] {
		np.Package[issue] = strings.TrimSpace(r.PostForm.Get("option:" + issue))
	}
	if _, err := s.Talks.Propose(r.Context(), u, id, np); err != nil {
		return "", "", err
	}
	return textPath(id, "/proposals"), tr(r).T("The proposal was posted in %s.", np.Room), nil
}

func (s *Server) reflectSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	if _, err := s.Talks.Reflect(r.Context(), u, id, talks.NewReflection{Proposal: r.PostForm.Get("proposal")}); err != nil {
		return "", "", err
	}
	return textPath(id, "/proposals#reflections"), tr(r).T("The reflection was asked for."), nil
}

func (s *Server) answerSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	accept := r.PostForm.Get("accept") == "true"
	if _, err := s.Talks.AnswerReflection(r.Context(), u, id, r.PathValue("rid"), talks.ReflectionAnswer{Accept: &accept}); err != nil {
		return "", "", err
	}
	return textPath(id, "/proposals#reflections"), tr(r).T("Your answer was recorded."), nil
}

func (s *Server) withdrawReflectionSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	if err := s.Talks.WithdrawReflection(r.Context(), u, id, r.PathValue("rid")); err != nil {
		return "", "", err
	}
	return textPath(id, "/proposals#reflections"), tr(r).T("The reflection was withdrawn."), nil
}

// profileData is the data of the preference builder.
type profileData struct {
	*negotiation
	Domain  *talks.DomainView
	Profile *talks.ProfileView
	// Rows prefill the builder, one per issue.
	Rows        []builderRow
	Reservation float64
}

// builderRow is one issue in the preference builder.
type builderRow struct {
	Index  int
	Issue  talks.IssueView
	Weight float64
	// Options holds the scores of a discrete issue, in option order.
	Options []optionScore
	// Points is a range's piecewise-linear score as "value score" lines.
	Points string
}

// optionScore is one option's score in the builder.
type optionScore struct {
	Option string
	Score  float64
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	n, err := s.negotiation(r, u, "profile")
	if err != nil {
		return "", nil, err
	}
	d := &profileData{negotiation: n}
	if d.Profile, err = s.Talks.Profile(r.Context(), u, n.ID); err != nil {
		return "", nil, err
	}
	d.Domain, err = s.Talks.Domain(r.Context(), u, n.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return "profile", d, nil
	}
	if err != nil {
		return "", nil, err
	}
	p := d.Profile.Profile
	if p != nil {
		d.Reservation = p.Reservation
	}
	for i, is := range d.Domain.Issues {
		row := builderRow{Index: i, Issue: is, Weight: 1 / float64(len(d.Domain.Issues))}
		var sb talks.ScoreBody
		if p != nil {
			row.Weight, sb = p.Weights[is.Name], p.Scores[is.Name]
		}
		if is.Range != nil {
			pts := sb.Points
			if len(pts) == 0 {
				pts = [][2]float64{{float64(is.Range.Low), 0}, {float64(is.Range.High), 1}}
			}
			var lines []string
			for _, pt := range pts {
				lines = append(lines, strconv.FormatFloat(pt[0], 'f', -1, 64)+" "+strconv.FormatFloat(pt[1], 'f', -1, 64))
			}
			row.Points = strings.Join(lines, "\n")
		} else {
			for _, o := range is.Options {
				row.Options = append(row.Options, optionScore{Option: o, Score: sb.Options[o]})
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return "profile", d, nil
}

// builderProfile is parley's JSON profile format, as the builder writes it.
type builderProfile struct {
	Reservation float64            `json:"reservation"`
	Weights     map[string]float64 `json:"weights"`
	Scores      map[string]any     `json:"scores"`
}

// formNumber reads a number field of the builder.
// finite reports whether f is a number: neither NaN nor infinite.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func formNumber(r *http.Request, name, what string) (float64, error) {
	v := strings.TrimSpace(r.PostForm.Get(name))
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !finite(f) {
		return 0, parley.Errorf(parley.EINVALID, "%s must be a number, not %q", what, v)
	}
	return f, nil
}

// buildProfile turns the builder's form into a profile file. Weights are
// normalised to sum to 1, so that any relative numbers will do.
func buildProfile(r *http.Request, d *talks.DomainView) (string, error) {
	bp := builderProfile{Weights: map[string]float64{}, Scores: map[string]any{}}
	var err error
	if bp.Reservation, err = formNumber(r, "reservation", "the reservation value"); err != nil {
		return "", err
	}
	sum := 0.0
	for i, is := range d.Issues {
		k := strconv.Itoa(i)
		w, err := formNumber(r, "weight_"+k, "the weight of "+is.Name)
		if err != nil {
			return "", err
		}
		if w < 0 {
			return "", parley.Errorf(parley.EINVALID, "the weight of %s must not be negative", is.Name)
		}
		bp.Weights[is.Name], sum = w, sum+w
		if is.Range != nil {
			var pts [][2]float64
			for _, line := range strings.Split(r.PostForm.Get("points_"+k), "\n") {
				f := strings.Fields(line)
				if len(f) == 0 {
					continue
				}
				x, ex := strconv.ParseFloat(f[0], 64)
				y, ey := 0.0, error(nil)
				if len(f) == 2 {
					y, ey = strconv.ParseFloat(f[1], 64)
				}
				if len(f) != 2 || ex != nil || ey != nil || !finite(x) || !finite(y) {
					return "", parley.Errorf(parley.EINVALID, "the points of %s are lines of a value and a score, not %q", is.Name, line)
				}
				pts = append(pts, [2]float64{x, y})
			}
			bp.Scores[is.Name] = pts
			continue
		}
		opts := map[string]float64{}
		for j, o := range is.Options {
			if opts[o], err = formNumber(r, "score_"+k+"_"+strconv.Itoa(j), "the score of "+is.Name+" "+o); err != nil {
				return "", err
			}
		}
		bp.Scores[is.Name] = opts
	}
	if sum <= 0 {
		return "", parley.Errorf(parley.EINVALID, "give at least one issue a weight")
	}
	for k := range bp.Weights {
		bp.Weights[k] /= sum
	}
	b, err := json.Marshal(bp)
	return string(b), err
}

func (s *Server) profileSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	np := talks.NewProfile{Source: r.PostForm.Get("source")}
	if r.PostForm.Get("mode") == "builder" {
		d, err := s.Talks.Domain(r.Context(), u, id)
		if err != nil {
			return "", "", err
		}
		if np.Source, err = buildProfile(r, d); err != nil {
			return "", "", err
		}
		np.Format = "builder"
	}
	if _, err := s.Talks.PutProfile(r.Context(), u, id, np); err != nil {
		return "", "", err
	}
	return textPath(id, "/profile"), tr(r).T("Your preferences were saved; only your delegation sees them."), nil
}

func (s *Server) consentSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	consent := r.PostForm.Get("consent") == "true"
	if _, err := s.Talks.SetConsent(r.Context(), u, id, consent); err != nil {
		return "", "", err
	}
	msg := "the mediators can no longer use your profile"
	if consent {
		msg = "the mediators may now use your profile"
	}
	return textPath(id, "/profile"), msg, nil
}

func (s *Server) profileDeleteSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	if err := s.Talks.DeleteProfile(r.Context(), u, id); err != nil {
		return "", "", err
	}
	return textPath(id, "/profile"), tr(r).T("Your preferences were deleted."), nil
}

// settlementData is the data of the mediators' settlement page.
type settlementData struct {
	*negotiation
	Settlement  *talks.SettlementView
	Improvement *talks.ImprovementView
	// Selected is the proposal improved upon.
	Selected string
	Plot     *plot
}

func (s *Server) settlementPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	n, err := s.negotiation(r, u, "settlement")
	if err != nil {
		return "", nil, err
	}
	d := &settlementData{negotiation: n}
	if d.Settlement, err = s.Talks.Settlement(r.Context(), u, n.ID); err != nil {
		return "", nil, err
	}
	sv := d.Settlement
	if !sv.Complete || len(sv.Parties) < 2 {
		return "settlement", d, nil
	}
	d.Selected = r.URL.Query().Get("proposal")
	if d.Selected == "" && len(sv.Proposals) > 0 {
		d.Selected = sv.Proposals[len(sv.Proposals)-1].ID
	}
	if d.Selected != "" {
		if d.Improvement, err = s.Talks.Improve(r.Context(), u, n.ID, d.Selected); err != nil {
			return "", nil, err
		}
	}
	x, y := sv.Parties[0].PartyRef, sv.Parties[1].PartyRef
	var sol []mark
	for _, m := range []struct {
		p     *talks.Point
		label string
	}{{sv.Nash, "N"}, {sv.KalaiSmorodinsky, "K"}, {sv.Egalitarian, "E"}} {
		if m.p != nil {
			sol = append(sol, mark{X: m.p.Utilities[x.ID], Y: m.p.Utilities[y.ID], Label: m.label, Class: "solution"})
		}
	}
	for i, p := range sv.Proposals {
		sol = append(sol, mark{X: p.Scores[x.ID], Y: p.Scores[y.ID], Label: strconv.Itoa(i + 1), Class: "proposal", Title: n.Names[p.Delegation]})
	}
	if im := d.Improvement; im != nil && im.Nash != nil {
		sol = append(sol, mark{X: im.Nash.Utilities[x.ID], Y: im.Nash.Utilities[y.ID], Label: "+", Class: "improvement"})
	}
	d.Plot = utilityPlot(x, y, sv.Frontier, sol, nil)
	return "settlement", d, nil
}

// danceData is the data of the dance page.
type danceData struct {
	*negotiation
	Dance *talks.DanceView
	// Space is the utility-space plot (mediators with two shared
	// profiles); Times holds one time plot per series.
	Space *plot
	Times []*plot
}

func (s *Server) dancePage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	n, err := s.negotiation(r, u, "dance")
	if err != nil {
		return "", nil, err
	}
	d := &danceData{negotiation: n}
	if d.Dance, err = s.Talks.Dance(r.Context(), u, n.ID); err != nil {
		return "", nil, err
	}
	dv := d.Dance
	if len(dv.Scored) >= 2 && len(dv.Frontier) > 0 {
		var sol []mark
		if dv.Nash != nil {
			sol = append(sol, mark{X: dv.Nash.Utilities[dv.Scored[0].ID], Y: dv.Nash.Utilities[dv.Scored[1].ID], Label: "N", Class: "solution"})
		}
		d.Space = utilityPlot(dv.Scored[0], dv.Scored[1], dv.Frontier, sol, dv.Series)
	}
	for _, series := range dv.Series {
		d.Times = append(d.Times, timePlot(series, dv.Scored))
	}
	return "dance", d, nil
}

// SelectedNumber is the position (from 1) of the proposal improved upon in
// the list of proposals.
func (d *settlementData) SelectedNumber() int {
	for i, p := range d.Settlement.Proposals {
		if p.ID == d.Selected {
			return i + 1
		}
	}
	return 0
}
