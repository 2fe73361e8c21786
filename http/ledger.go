package http

import (
	"bytes"
	"encoding/base64"
	"net/http"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/ledger"
)

// Ledger gives the handlers the deployment's checkpoint key.
type Ledger struct {
	VerifierKey string
}

func (s *Server) ledgerRoutes() {
	m := s.mux
	m.HandleFunc("GET /api/v1/ledger/checkpoint", s.api(s.apiCheckpoint))
	m.HandleFunc("GET /api/v1/ledger/key", s.api(s.apiLedgerKey))
	m.HandleFunc("GET /api/v1/ledger/proof/inclusion", s.api(s.apiInclusion))
	m.HandleFunc("GET /api/v1/ledger/proof/consistency", s.api(s.apiConsistency))
	m.HandleFunc("GET /api/v1/ledger/leaves", s.api(s.apiLeaves))
	m.HandleFunc("GET /api/v1/ledger/entries/{seq}", s.api(s.apiLedgerEntry))
	m.HandleFunc("GET /api/v1/ledger/bundle", s.api(s.apiBundle))
}

func (s *Server) ledgerKey() (string, error) {
	if s.Ledger == nil || s.Ledger.VerifierKey == "" {
		return "", parley.Errorf(parley.ENOTFOUND, "this server keeps no signed ledger")
	}
	return s.Ledger.VerifierKey, nil
}

func (s *Server) apiLedgerKey(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	k, err := s.ledgerKey()
	if err != nil {
		return nil, err
	}
	return map[string]string{"verifier_key": k}, nil
}

func (s *Server) apiCheckpoint(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var cp []byte
	err := s.Talks.LedgerView(r.Context(), func(size int64, note []byte, _ tlog.HashReader) error {
		cp = note
		return nil
	})
	if err != nil {
		return nil, err
	}
	if cp == nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "the ledger is empty")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(cp)
	return nil, nil
}

// sizeParams reads two tree sizes or indexes and checks them against the log.
func sizeParams(r *http.Request, a, b string, size int64) (int64, int64, error) {
	x, err := intParam(r, a)
	if err != nil {
		return 0, 0, err
	}
	y, err := intParam(r, b)
	if err != nil {
		return 0, 0, err
	}
	if r.URL.Query().Get(b) == "" {
		y = size
	}
	if y > size {
		return 0, 0, parley.Errorf(parley.EINVALID, "%s=%d is beyond the log size %d", b, y, size)
	}
	return x, y, nil
}

func (s *Server) apiInclusion(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var p ledger.InclusionProof
	err := s.Talks.LedgerView(r.Context(), func(size int64, _ []byte, hr tlog.HashReader) error {
		index, n, err := sizeParams(r, "index", "size", size)
		if err != nil {
			return err
		}
		if index >= n {
			return parley.Errorf(parley.EINVALID, "index must be below size (%d)", n)
		}
		p, err = ledger.ProveInclusion(index, n, hr)
		return err
	})
	return p, err
}

func (s *Server) apiConsistency(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var p ledger.ConsistencyProof
	err := s.Talks.LedgerView(r.Context(), func(size int64, _ []byte, hr tlog.HashReader) error {
		from, to, err := sizeParams(r, "from", "to", size)
		if err != nil {
			return err
		}
		if from > to {
			return parley.Errorf(parley.EINVALID, "need from <= to")
		}
		p, err = ledger.ProveConsistency(from, to, hr)
		return err
	})
	return p, err
}

// maxLeaves bounds one leaves request.
const maxLeaves = 1000

func (s *Server) apiLeaves(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var out []string
	err := s.Talks.LedgerView(r.Context(), func(size int64, _ []byte, hr tlog.HashReader) error {
		start, end, err := sizeParams(r, "start", "end", size)
		if err != nil {
			return err
		}
		if start > end {
			return parley.Errorf(parley.EINVALID, "start must not exceed end")
		}
		if end-start > maxLeaves {
			end = start + maxLeaves
		}
		idx := make([]int64, 0, end-start)
		for i := start; i < end; i++ {
			idx = append(idx, tlog.StoredHashIndex(0, i))
		}
		hs, err := hr.ReadHashes(idx)
		if err != nil {
			return err
		}
		out = make([]string, len(hs))
		for i, h := range hs {
			out[i] = base64.StdEncoding.EncodeToString(h[:])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"leaves": out}, nil
}

func (s *Server) apiLedgerEntry(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	seq, err := parsePositive(r.PathValue("seq"))
	if err != nil {
		return nil, err
	}
	le, err := s.Talks.LedgerEntry(r.Context(), u, seq)
	if err != nil {
		return nil, err
	}
	return map[string]any{"event": le.Event, "index": le.Event.Seq - 1,
		"salt": base64.StdEncoding.EncodeToString(le.Salt[:]), "canonical": le.Canonical}, nil
}

func (s *Server) apiBundle(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	k, err := s.ledgerKey()
	if err != nil {
		return nil, err
	}
	b, err := s.Talks.Bundle(r.Context(), u, k)
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
