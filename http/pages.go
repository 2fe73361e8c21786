package http

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"parley"
	"parley/i18n"
	"parley/talks"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds the parsed templates, one set per interface language, and
// the content-hashed asset URLs.
type pages struct {
	tmpl   map[string]map[string]*template.Template // language → page → template
	assets map[string]string                        // file name → /static/HASH/name
	byURL  map[string][]byte
}

// pageParts names each page's template file and the partial files it is
// parsed with (besides layout.html and parts.html, which every page has).
var pageParts = map[string][]string{
	"login": nil, "talks": nil, "overview": {"registry_parts"}, "room": nil, "relay": nil, "invite": nil, "account": nil, "confirm": nil,
	"search": {"registry_parts"}, "ledger": nil, "admin": nil,
	"captives": {"registry_parts"}, "agreement": {"registry_parts"}, "meetings": {"registry_parts"}, "reports": {"registry_parts"},
	"deadlines": {"registry_parts"}, "timeline": {"registry_parts"},
	"text": {"negotiation"}, "diff": {"negotiation"}, "positions": {"negotiation"}, "edit": {"negotiation"},
	"proposals": {"negotiation"}, "profile": {"negotiation"}, "settlement": {"negotiation"}, "dance": {"negotiation"},
}

func mustLoadPages() *pages {
	p := &pages{tmpl: map[string]map[string]*template.Template{}, assets: map[string]string{}, byURL: map[string][]byte{}}
	files, _ := fs.Glob(staticFS, "static/*")
	for _, f := range files {
		b, _ := staticFS.ReadFile(f)
		sum := sha256.Sum256(b)
		u := "/static/" + hex.EncodeToString(sum[:6]) + "/" + path.Base(f)
		p.assets[path.Base(f)] = u
		p.byURL[u] = b
	}
	funcs := template.FuncMap{
		"asset":   func(name string) string { return p.assets[name] },
		"locales": i18n.Locales,
		"join":    func(xs []string) string { return strings.Join(xs, ", ") },
		"joinInts": func(xs []int) string {
			out := make([]string, len(xs))
			for i, x := range xs {
				out[i] = strconv.Itoa(x)
			}
			return strings.Join(out, ", ")
		},
		// args passes several named values to a partial template.
		"args": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				if k, ok := kv[i].(string); ok {
					m[k] = kv[i+1]
				}
			}
			return m
		},
	}
	for k, v := range negotiationFuncs {
		funcs[k] = v
	}
	// The language's functions are bound to each clone below; these
	// stand-ins only let the templates parse.
	for k, v := range localeFuncs(i18n.Default()) {
		funcs[k] = v
	}
	for _, l := range i18n.Locales() {
		p.tmpl[l.Code] = map[string]*template.Template{}
	}
	for name, parts := range pageParts {
		files := []string{"templates/layout.html", "templates/parts.html", "templates/" + name + ".html"}
		for _, part := range parts {
			files = append(files, "templates/"+part+".html")
		}
		base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, files...))
		for _, l := range i18n.Locales() {
			c := template.Must(base.Clone())
			c.Funcs(localeFuncs(l))
			p.tmpl[l.Code][name] = c
		}
	}
	return p
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	b, ok := s.pages.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(r.URL.Path) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/talks", http.StatusSeeOther)
}

// pageData is what every template gets.
type pageData struct {
	User  *parley.User
	Error string
	Flash string
	Data  any
	// L is the interface language.
	L *i18n.Locale
	// Path is the page's path and query, for the language switch to
	// return to.
	Path string
	// Live, on a page that updates itself, says what its event stream
	// follows.
	Live *live
}

// live is what a page's script needs to follow the event stream: the
// talks, the ledger size the page was read at (its updates start after
// it) and the rooms the user wants desktop notifications of.
type live struct {
	Talks     string
	LastEvent int64
	Notify    string
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	if d.L == nil {
		d.L = s.locale(r, d.User)
	}
	d.Path = r.URL.Path
	var buf bytes.Buffer
	if err := s.pages.tmpl[d.L.Code][name].Execute(&buf, d); err != nil {
		id := requestID()
		s.Log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error (request "+id+")", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pagePolicy)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError shows err on an error page, logging it once if internal.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, u *parley.User, err error) {
	d := pageData{User: u, Error: parley.ErrorMessage(err)}
	if parley.ErrorCode(err) == parley.EINTERNAL {
		id := requestID()
		s.Log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		d.Error += " (request " + id + ")"
	}
	if parley.Retryable(err) {
		w.Header().Set("Retry-After", retryAfter)
	}
	s.render(w, r, statusOf[parley.ErrorCode(err)], "talks", d)
}

// page wraps a page handler: it needs a signed-in user (else it redirects
// to the login page) and renders errors as an error page. A page of one
// talks, or the talks list, follows the event stream from the ledger size
// read before the page's data.
func (s *Server) page(h func(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.pageUser(r)
		if err != nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		l := s.locale(r, u)
		r = withLocale(r, l)
		last, err := s.Talks.LastSeq(r.Context())
		if err != nil {
			s.renderError(w, r, u, err)
			return
		}
		name, data, err := h(w, r, u)
		if err != nil {
			s.renderError(w, r, u, err)
			return
		}
		d := pageData{User: u, Data: data, L: l}
		if lv, ok := data.(interface{ live() *live }); ok {
			d.Live = lv.live()
			d.Live.LastEvent = last
		}
		switch kind, msg := s.takeFlash(w, r); kind {
		case flashOK:
			d.Flash = msg
		case flashError:
			d.Error = msg
		}
		s.render(w, r, http.StatusOK, name, d)
	}
}

// pageUser authenticates pages by the session cookie only.
func (s *Server) pageUser(r *http.Request) (*parley.User, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in required")
	}
	return s.Auth.Authenticate(r.Context(), c.Value, "session")
}

// form wraps a form submission: on success it redirects to the returned
// path with an optional message, on failure back to the referring page with
// the error; both messages travel in the signed flash cookie.
func (s *Server) form(h func(r *http.Request, u *parley.User) (string, string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.pageUser(r)
		if err != nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		r = withLocale(r, s.locale(r, u))
		if err := s.limitPost(r, u); err != nil {
			s.renderError(w, r, u, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			s.renderError(w, r, u, formError(err))
			return
		}
		back := "/talks/" + url.PathEscape(r.PathValue("id"))
		if ret := r.PostForm.Get("return"); localPath(ret) {
			back = ret
		}
		to, msg, err := h(r, u)
		if err != nil {
			if parley.ErrorCode(err) == parley.EINTERNAL {
				s.renderError(w, r, u, err)
				return
			}
			s.flash(w, r, flashError, parley.ErrorMessage(err))
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		if to == "" {
			to = back
		}
		if msg != "" {
			s.flash(w, r, flashOK, msg)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}

// formError says why a form body could not be read.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if asMaxBytes(err, &mbe) {
		return parley.Errorf(parley.ETOOLARGE, "the form is too large")
	}
	return parley.Errorf(parley.EINVALID, "the form could not be read in full: %s", readProblem(err))
}

// loginData is what the sign-in page shows: where to go next, and whether
// this deployment takes passwords.
type loginData struct {
	Next      string
	Passwords bool
}

func (s *Server) loginData(next string) loginData {
	return loginData{Next: next, Passwords: s.Auth.Passwords}
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", pageData{Data: s.loginData(r.URL.Query().Get("next"))})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.render(w, r, statusOf[parley.ErrorCode(formError(err))], "login", pageData{Error: parley.ErrorMessage(formError(err)), Data: s.loginData("")})
		return
	}
	next := r.PostForm.Get("next")
	if _, err := s.login(w, r, r.PostForm.Get("name"), r.PostForm.Get("password")); err != nil {
		if parley.ErrorCode(err) == parley.EINTERNAL {
			s.renderError(w, r, nil, err)
			return
		}
		s.render(w, r, statusOf[parley.ErrorCode(err)], "login", pageData{Error: parley.ErrorMessage(err), Data: s.loginData(next)})
		return
	}
	if !localPath(next) {
		next = "/talks"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logoutSubmit(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Auth.Logout(r.Context(), c.Value)
	}
	s.clearCookie(w, sessionCookie)
	// The browser forgets what the pages kept in it (drafts of messages
	// and profiles), so that the next person to use it never sees them.
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// overview is what every page of one talks gets: the talks as the user
// sees them, names of delegations, members and caucuses, and the user's
// state of each room (unread counts, notification choices).
type overview struct {
	*talks.View
	Names map[string]string // user ids, delegation ids and caucus rooms → names
	// Section names the current page in the talks' navigation.
	Section string
	// States are the user's read markers and unread counts, per room.
	States []parley.RoomState
	// CanRelay says whether the user may relay messages now.
	CanRelay bool
	// Reg holds the sections of people and promises, for members.
	Reg *registryOverview
	// Dash holds the rest of the talks page.
	Dash *dashboard
}

// Unread counts the user's unread messages in every room.
func (o *overview) Unread() int {
	n := 0
	for _, st := range o.States {
		n += st.Unread
	}
	return n
}

func (s *Server) view(r *http.Request, u *parley.User) (*overview, error) {
	v, err := s.Talks.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	o := &overview{View: v, Names: map[string]string{}}
	for _, d := range v.Delegations {
		o.Names[d.ID] = d.Name
		if d.Kind == parley.KindParty {
			o.Names[parley.CaucusRoom(d.Slug)] = d.Name
		}
	}
	for _, m := range v.Members {
		o.Names[m.UserID] = m.DisplayName
	}
	if v.Mine != nil {
		o.CanRelay = v.Mine.Kind == parley.KindMediator && v.Mine.Presence == parley.PresenceEngaged && !v.Talks.Terminal()
		if o.States, err = s.Talks.RoomStates(r.Context(), u, v.ID); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// liveOf is what the page's script follows for a page of the talks o.
func (o *overview) live() *live {
	l := &live{Talks: o.ID}
	for _, st := range o.States {
		if st.Notify {
			l.Notify += st.Room + " "
		}
	}
	l.Notify = strings.TrimSpace(l.Notify)
	return l
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.view(r, u)
	if err != nil {
		return "", nil, err
	}
	o.Section = "overview"
	if o.Mine != nil {
		if o.Reg, err = s.registryOverview(r, u, o.ID); err != nil {
			return "", nil, err
		}
	}
	o.Dash, err = s.dashboard(r, u, o)
	return "overview", o, err
}

// localPath reports whether p is safe to redirect to after a form: a
// clean path under /talks on this site, with an optional query. Anything a
// browser could read as another host (//x, /\x, control characters, dot
// segments) is refused.
func localPath(p string) bool {
	if p == "" || strings.ContainsAny(p, "\\#") {
		return false
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	for _, top := range []string{"/talks", "/ledger", "/admin"} {
		if (u.Path == top || strings.HasPrefix(u.Path, top+"/")) && path.Clean(u.Path) == u.Path {
			return true
		}
	}
	return false
}
