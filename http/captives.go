package http

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/go-json-experiment/json"

	"parley"
	"parley/talks"
)

// CaptiveList answers GET /api/v1/talks/{id}/captives.
type CaptiveList struct {
	Captives []parley.Captive `json:"captives"`
}

// AccessList answers GET and POST /api/v1/talks/{id}/captives/access.
type AccessList struct {
	Access []talks.AccessView `json:"access"`
}

// AccessRequest is the body of POST /api/v1/talks/{id}/captives/access.
type AccessRequest struct {
	Delegation string `json:"delegation"`
	Records    *bool  `json:"records"`
}

// ImportProblem is the problem answering an import whose rows were
// refused: the RFC 9457 body with the refused rows as an extension.
type ImportProblem struct {
	Problem
	Report *talks.ImportReport `json:"report"`
}

func captivePath(talksID, ref string) string {
	return talksPath(talksID, "/captives/"+url.PathEscape(ref))
}

func (s *Server) apiCaptives(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	cs, err := s.Talks.Captives(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return CaptiveList{Captives: cs}, nil
}

func (s *Server) apiRecordCaptive(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewCaptive
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	c, err := s.Talks.RecordCaptive(r.Context(), u, r.PathValue("id"), req)
	if err != nil {
		return nil, err
	}
	return created{captivePath(c.TalksID, c.Ref), c}, nil
}

func (s *Server) apiCaptive(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.Captive(r.Context(), u, r.PathValue("id"), r.PathValue("ref"))
}

func (s *Server) apiCaptiveStatus(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req talks.NewCaptiveStatus
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	return s.Talks.ChangeCaptiveStatus(r.Context(), u, r.PathValue("id"), r.PathValue("ref"), req)
}

func (s *Server) apiCaptiveAggregates(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	return s.Talks.CaptiveAggregates(r.Context(), u, r.PathValue("id"), parley.Date(r.URL.Query().Get("as_of")))
}

func (s *Server) apiRecordAccess(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	as, err := s.Talks.RecordAccess(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return AccessList{Access: as}, nil
}

func (s *Server) apiSetRecordAccess(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req AccessRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	if req.Records == nil {
		return nil, parley.Errorf(parley.EINVALID, "records (true or false) is required")
	}
	as, err := s.Talks.SetRecordAccess(r.Context(), u, r.PathValue("id"), req.Delegation, *req.Records)
	if err != nil {
		return nil, err
	}
	return AccessList{Access: as}, nil
}

// readCSV reads a text/csv request body of at most MaxImportBytes.
func readCSV(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/csv" {
		return nil, parley.Errorf(parley.EUNSUPPORTED, "Content-Type must be text/csv")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, parley.MaxImportBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, parley.Errorf(parley.ETOOLARGE, "the CSV is over %d bytes", parley.MaxImportBytes)
		}
		return nil, parley.Errorf(parley.EINVALID, "the request body could not be read in full: %s", readProblem(err))
	}
	return data, nil
}

// apiImportCaptives imports a CSV of captives; ?dry_run=true only checks
// it. Refused rows answer 400 with the report in the problem body.
func (s *Server) apiImportCaptives(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	data, err := readCSV(w, r)
	if err != nil {
		return nil, err
	}
	dry := r.URL.Query().Get("dry_run")
	if dry != "" && dry != "true" && dry != "false" {
		return nil, parley.Errorf(parley.EINVALID, "dry_run must be true or false")
	}
	rep, err := s.Talks.ImportCaptives(r.Context(), u, r.PathValue("id"), bytes.NewReader(data), dry == "true")
	if err != nil && rep != nil {
		p := ImportProblem{Problem: Problem{Type: "about:blank", Title: http.StatusText(http.StatusBadRequest), Status: http.StatusBadRequest,
			Detail: parley.ErrorMessage(err), Instance: r.URL.Path, Code: parley.ErrorCode(err)}, Report: rep}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		json.MarshalWrite(w, p, json.Deterministic(true))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (s *Server) apiExportCaptives(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	b, err := s.Talks.ExportCaptives(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="captives.csv"`)
	w.Write(b)
	return nil, nil
}
