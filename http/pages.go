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
	"strings"
	"time"

	"parley"
	"parley/talks"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds parsed templates and content-hashed asset URLs.
type pages struct {
	tmpl   map[string]*template.Template
	assets map[string]string // file name → /static/HASH/name
	byURL  map[string][]byte
}

func mustLoadPages() *pages {
	p := &pages{tmpl: map[string]*template.Template{}, assets: map[string]string{}, byURL: map[string][]byte{}}
	files, _ := fs.Glob(staticFS, "static/*")
	for _, f := range files {
		b, _ := staticFS.ReadFile(f)
		sum := sha256.Sum256(b)
		u := "/static/" + hex.EncodeToString(sum[:6]) + "/" + path.Base(f)
		p.assets[path.Base(f)] = u
		p.byURL[u] = b
	}
	funcs := template.FuncMap{
		"asset": func(name string) string { return p.assets[name] },
		"when":  func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") },
		// args passes several named values to a template of
		// registry_parts.html.
		"args": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				if k, ok := kv[i].(string); ok {
					m[k] = kv[i+1]
				}
			}
			return m
		},
		"date": func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
		"day": func(d parley.Date) string {
			if t := d.Time(); !t.IsZero() {
				return t.Format("2 Jan 2006")
			}
			return ""
		},
		"month": func(d parley.Date) string {
			if t := d.Time(); !t.IsZero() {
				return t.Format("January 2006")
			}
			return ""
		},
		"title": func(s string) string {
			if s == "" {
				return s
			}
			return strings.ToUpper(s[:1]) + s[1:]
		},
	}
	for name, parts := range map[string][]string{"login": nil, "talks": nil, "overview": {"registry_parts"}, "room": nil, "invite": nil, "account": nil,
		"captives": {"registry_parts"}, "agreement": {"registry_parts"}, "meetings": {"registry_parts"}, "reports": {"registry_parts"},
		"deadlines": {"registry_parts"}, "timeline": {"registry_parts"}} {
		files := []string{"templates/layout.html", "templates/" + name + ".html"}
		for _, part := range parts {
			files = append(files, "templates/"+part+".html")
		}
		p.tmpl[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, files...))
	}
	p.loadNegotiationPages(funcs)
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
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	var buf bytes.Buffer
	if err := s.pages.tmpl[name].Execute(&buf, d); err != nil {
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
// to the login page) and renders errors as an error page.
func (s *Server) page(h func(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.pageUser(r)
		if err != nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		name, data, err := h(w, r, u)
		if err != nil {
			s.renderError(w, r, u, err)
			return
		}
		d := pageData{User: u, Data: data}
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
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) talksPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	ts, err := s.Talks.List(r.Context(), u)
	return "talks", ts, err
}

// overview is the data of the talks page.
type overview struct {
	*talks.View
	Names map[string]string // user and delegation ids → names
	// Reg holds the sections of people and promises, for members.
	Reg *registryOverview
}

func (s *Server) view(r *http.Request, u *parley.User) (*overview, error) {
	v, err := s.Talks.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	o := &overview{View: v, Names: map[string]string{}}
	for _, d := range v.Delegations {
		o.Names[d.ID] = d.Name
	}
	for _, m := range v.Members {
		o.Names[m.UserID] = m.DisplayName
	}
	return o, nil
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.view(r, u)
	if err == nil && o.Mine != nil {
		o.Reg, err = s.registryOverview(r, u, o.ID)
	}
	return "overview", o, err
}

// roomData is the data of a room page.
type roomData struct {
	*overview
	Room     parley.Room
	Page     *talks.Page
	Mediator bool
	Targets  []parley.Room
	// LastEvent is the ledger size when the page was read: its live
	// updates start after it.
	LastEvent int64
}

func (s *Server) roomPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	after, _, err := intParam(r, "after")
	if err != nil {
		return "", nil, err
	}
	o, err := s.view(r, u)
	if err != nil {
		return "", nil, err
	}
	name := r.PathValue("room")
	d := &roomData{overview: o, Mediator: o.Mine != nil && o.Mine.Kind == parley.KindMediator}
	// Read the ledger size before the messages, so that live updates cover
	// anything posted in between (the page skips what it already shows).
	if d.LastEvent, err = s.Talks.LastSeq(r.Context()); err != nil {
		return "", nil, err
	}
	found := false
	for _, rm := range o.Rooms {
		if rm.Name == name {
			d.Room, found = rm, true
		} else if rm.Writable {
			d.Targets = append(d.Targets, rm)
		}
	}
	if !found {
		return "", nil, parley.Errorf(parley.ENOTFOUND, "room not found")
	}
	d.Page, err = s.Talks.Messages(r.Context(), u, o.ID, name, after, parley.MaxPageSize)
	return "room", d, err
}

func (s *Server) statusSubmit(r *http.Request, u *parley.User) (string, string, error) {
	_, err := s.Talks.SetStatus(r.Context(), u, r.PathValue("id"), talks.StatusAction(r.PostForm.Get("action")), r.PostForm.Get("reason"))
	return "", "", err
}

func (s *Server) presenceSubmit(r *http.Request, u *parley.User) (string, string, error) {
	_, err := s.Talks.ChangePresence(r.Context(), u, r.PathValue("id"), r.PostForm.Get("delegation"), talks.PresenceAction(r.PostForm.Get("action")), r.PostForm.Get("reason"))
	return "", "", err
}

func (s *Server) plenarySubmit(r *http.Request, u *parley.User) (string, string, error) {
	_, err := s.Talks.SetPlenary(r.Context(), u, r.PathValue("id"), r.PostForm.Get("open") == "true")
	return "", "", err
}

func (s *Server) postSubmit(r *http.Request, u *parley.User) (string, string, error) {
	id, room := r.PathValue("id"), r.PathValue("room")
	_, err := s.Talks.Post(r.Context(), u, id, room, talks.NewMessage{Text: r.PostForm.Get("text"), Disclosure: parley.Disclosure(r.PostForm.Get("disclosure"))})
	return "/talks/" + url.PathEscape(id) + "/rooms/" + url.PathEscape(room), "", err
}

func (s *Server) relaySubmit(r *http.Request, u *parley.User) (string, string, error) {
	id := r.PathValue("id")
	nr := talks.NewRelay{SourceRoom: r.PostForm.Get("source_room"), MessageID: r.PostForm.Get("message_id"), TargetRoom: r.PostForm.Get("target_room"),
		Mode: parley.RelayMode(r.PostForm.Get("mode")), Attribution: parley.Attribution(r.PostForm.Get("attribution")),
		Disclosure: parley.Disclosure(r.PostForm.Get("disclosure"))}
	if nr.Mode == parley.Paraphrase {
		nr.Text = r.PostForm.Get("text")
	}
	m, err := s.Talks.Relay(r.Context(), u, id, nr)
	if err != nil {
		return "", "", err
	}
	return "/talks/" + url.PathEscape(id) + "/rooms/" + url.PathEscape(m.Room), "relayed to " + m.Room, nil
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
	return (u.Path == "/talks" || strings.HasPrefix(u.Path, "/talks/")) && path.Clean(u.Path) == u.Path
}
