package http

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/i18n"
)

// langCookie keeps the language chosen by someone not signed in (on the
// sign-in page); a signed-in user's choice is kept on the server.
const langCookie = "parley_lang"

type localeKey struct{}

// locale chooses the interface language of a request: the user's saved
// choice, else the language cookie, else Accept-Language, else English.
func (s *Server) locale(r *http.Request, u *parley.User) *i18n.Locale {
	if l, ok := r.Context().Value(localeKey{}).(*i18n.Locale); ok {
		return l
	}
	var codes []string
	if u != nil {
		if lang, err := s.Talks.Language(r.Context(), u); err == nil && lang != "" {
			codes = append(codes, lang)
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		codes = append(codes, c.Value)
	}
	return i18n.Match(r.Header.Get("Accept-Language"), codes...)
}

// withLocale stores the request's language in its context, for handlers
// that write messages (flash messages, fragments).
func withLocale(r *http.Request, l *i18n.Locale) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), localeKey{}, l))
}

// tr is the request's language, once withLocale has set it.
func tr(r *http.Request) *i18n.Locale {
	if l, ok := r.Context().Value(localeKey{}).(*i18n.Locale); ok {
		return l
	}
	return i18n.Default()
}

var months = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// dateText writes a calendar date in the language: "5 December 2024".
func dateText(l *i18n.Locale, t time.Time) string {
	return l.T("%[1]s %[2]s %[3]s", strconv.Itoa(t.Day()), l.T(months[t.Month()-1]), strconv.Itoa(t.Year()))
}

// timeHTML shows an instant: in UTC on the server, rewritten by the page's
// script into the viewer's time zone, with the UTC time kept on hover.
func timeHTML(l *i18n.Locale, t time.Time) template.HTML {
	if t.IsZero() {
		return ""
	}
	u := t.UTC()
	utc := html.EscapeString(l.T("%[1]s, %[2]s UTC", dateText(l, u), u.Format("15:04")))
	return template.HTML(`<time class="local" datetime="` + u.Format(time.RFC3339) + `" title="` + utc + `">` + utc + `</time>`)
}

// localeFuncs are the template functions that depend on the language.
func localeFuncs(l *i18n.Locale) template.FuncMap {
	return template.FuncMap{
		"t":     l.T,
		"n":     l.Number,
		"lang":  func() *i18n.Locale { return l },
		"label": func(v any) string { return label(l, v) },
		// room is a room's human name: "Israel caucus", "Mediators only".
		"room": func(name string, names map[string]string) string { return roomLabel(l, name, names) },
		"when": func(t time.Time) template.HTML { return timeHTML(l, t) },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return dateText(l, t.UTC())
		},
		"day": func(d parley.Date) string {
			if t := d.Time(); !t.IsZero() {
				return dateText(l, t)
			}
			return ""
		},
		"month": func(d parley.Date) string {
			if t := d.Time(); !t.IsZero() {
				return l.T("%[1]s %[2]s", l.T(months[t.Month()-1]), strconv.Itoa(t.Year()))
			}
			return ""
		},
	}
}

// languageSubmit switches the interface language: saved on the server for
// a signed-in user, in a cookie otherwise.
func (s *Server) languageSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	r.ParseForm()
	lang := r.PostForm.Get("lang")
	if i18n.Get(lang) == nil {
		lang = ""
	}
	if u, err := s.pageUser(r); err == nil {
		if err := s.limitView(u); err != nil {
			s.renderError(w, r, u, err)
			return
		}
		if err := s.Talks.SetLanguage(r.Context(), u, lang); err != nil {
			s.renderError(w, r, u, err)
			return
		}
	}
	if lang == "" {
		s.clearCookie(w, langCookie)
	} else {
		s.setCookie(w, langCookie, lang, 365*24*time.Hour)
	}
	back := r.PostForm.Get("return")
	if !localPath(back) && back != "/login" && back != "/ledger" && back != "/admin" {
		back = "/talks"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// roomLabel is a room's human name in the language; names maps each caucus
// room to its party's name.
func roomLabel(l *i18n.Locale, name string, names map[string]string) string {
	switch name {
	case parley.RoomMediators:
		return l.T("Mediators only")
	case parley.RoomBriefing:
		return l.T("Briefing for observers")
	case parley.RoomPlenary:
		return l.T("Plenary")
	}
	if n, ok := names[name]; ok {
		return l.T("%s caucus", n)
	}
	return name
}
