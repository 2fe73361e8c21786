package http

import (
	"bytes"
	"net/http"
	"strconv"

	"parley"
)

func (s *Server) apiLedgerKey(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	k, err := s.Talks.LedgerKey(r.Context(), u)
	if err != nil {
		return nil, err
	}
	return LedgerKey{VerifierKey: k}, nil
}

func (s *Server) apiCheckpoint(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	cp, err := s.Talks.Checkpoint(r.Context(), u)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(cp)
	return nil, nil
}

func (s *Server) apiInclusion(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	index, ok, err := intParam(r, "index")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "index is required")
	}
	size, err := sizeParam(r, "size")
	if err != nil {
		return nil, err
	}
	return s.Talks.InclusionProof(r.Context(), u, index, size)
}

func (s *Server) apiConsistency(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	from, _, err := intParam(r, "from")
	if err != nil {
		return nil, err
	}
	to, err := sizeParam(r, "to")
	if err != nil {
		return nil, err
	}
	return s.Talks.ConsistencyProof(r.Context(), u, from, to)
}

// sizeParam reads an optional tree size: absent means the whole log (0),
// and an explicit 0 is refused, being no tree to prove anything in.
func sizeParam(r *http.Request, name string) (int64, error) {
	n, ok, err := intParam(r, name)
	if err == nil && ok && n == 0 {
		return 0, parley.Errorf(parley.EINVALID, "%s must be positive", name)
	}
	return n, err
}

func (s *Server) apiLeaves(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	start, _, err := intParam(r, "start")
	if err != nil {
		return nil, err
	}
	end, err := sizeParam(r, "end")
	if err != nil {
		return nil, err
	}
	hs, err := s.Talks.Leaves(r.Context(), u, start, end)
	if err != nil {
		return nil, err
	}
	return LeafList{Start: start, Leaves: hs}, nil
}

func (s *Server) apiLedgerEntry(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq < 1 {
		return nil, parley.Errorf(parley.EINVALID, "%q is not a positive integer", r.PathValue("seq"))
	}
	return s.Talks.LedgerEntry(r.Context(), u, seq)
}

func (s *Server) apiBundle(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	min, _, err := intParam(r, "cosigned")
	if err != nil {
		return nil, err
	}
	if err := s.limitExport(r, u); err != nil {
		return nil, err
	}
	b, err := s.Talks.BundleCosigned(r.Context(), u, int(min))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := b.WriteJSON(&buf); err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="parley-bundle.json"`)
	w.Write(buf.Bytes())
	return nil, nil
}
