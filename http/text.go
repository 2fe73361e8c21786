package http

import (
	"net/http"
	"net/url"
	"strconv"

	"parley"
	"parley/talks"
	"parley/textdoc"
)

// VersionList answers GET /api/v1/talks/{id}/text/versions.
type VersionList struct {
	Versions []talks.VersionSummary `json:"versions"`
}

func (s *Server) apiText(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Text(r.Context(), u, r.PathValue("id"), 0)
}

func (s *Server) apiReviseText(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewVersion
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	tv, err := s.Talks.ReviseText(r.Context(), u, id, req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(id, "/text/versions/"+strconv.Itoa(tv.Version)), tv}, nil
}

func (s *Server) apiTextVersions(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	vs, err := s.Talks.TextVersions(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return VersionList{Versions: vs}, nil
}

// versionParam parses the {n} of a version path: a positive integer.
func versionParam(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return 0, parley.Errorf(parley.ENOTFOUND, "version %q of the text not found", r.PathValue("n"))
	}
	return n, nil
}

func (s *Server) apiTextVersion(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	n, err := versionParam(r)
	if err != nil {
		return nil, err
	}
	return s.Talks.Text(r.Context(), u, r.PathValue("id"), n)
}

func (s *Server) apiTextDiff(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	from, _, err := intParam(r, "from")
	if err != nil {
		return nil, err
	}
	to, _, err := intParam(r, "to")
	if err != nil {
		return nil, err
	}
	return s.Talks.Diff(r.Context(), u, r.PathValue("id"), int(from), int(to))
}

func (s *Server) apiPositions(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	n, _, err := intParam(r, "version")
	if err != nil {
		return nil, err
	}
	return s.Talks.Positions(r.Context(), u, r.PathValue("id"), int(n))
}

func (s *Server) apiRecordPositions(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewPositions
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.RecordPositions(r.Context(), u, r.PathValue("id"), req)
}

func (s *Server) apiAgreeText(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.AgreeText
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	a, err := s.Talks.AgreeText(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{talksPath(a.TalksID, "/agreements/"+url.PathEscape(a.ID)), a}, nil
}

// exportFormats maps the format parameter of an export to its document
// format, media type and file extension.
var exportFormats = map[string]struct {
	format textdoc.Format
	mime   string
	ext    string
}{
	"markdown": {textdoc.Markdown, "text/markdown; charset=utf-8", "md"},
	"html":     {textdoc.HTML, "text/html; charset=utf-8", "html"},
}

// writeDocument writes an exported agreed text: an HTML page may use its
// own inline style sheet and nothing else.
func writeDocument(w http.ResponseWriter, doc []byte, mime, filename string) {
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src "+textdoc.StyleHash+"; frame-ancestors 'none'")
	if filename != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	w.Write(doc)
}

func (s *Server) apiExportText(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	name := r.URL.Query().Get("format")
	if name == "" {
		name = "markdown"
	}
	f, ok := exportFormats[name]
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "format must be markdown or html, not %q", name)
	}
	doc, err := s.Talks.ExportText(r.Context(), u, r.PathValue("id"), f.format)
	if err != nil {
		return nil, err
	}
	writeDocument(w, doc, f.mime, "agreed-text."+f.ext)
	return nil, nil
}
