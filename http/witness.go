package http

import (
	"net/http"
	"strconv"

	"parley"
)

// The witness transport: a witness pulls the checkpoint (GET
// /api/v1/ledger/checkpoint) and a consistency proof from the last one it
// cosigned (GET /api/v1/ledger/proof/consistency), checks them on its own
// machine, and posts its cosignature back here with a member's bearer
// token, which may be read-only.

func (s *Server) apiCheckpointAt(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	size, err := strconv.ParseInt(r.PathValue("size"), 10, 64)
	if err != nil || size < 1 {
		return nil, parley.Errorf(parley.EINVALID, "%q is not a positive integer", r.PathValue("size"))
	}
	cp, err := s.Talks.CheckpointAt(r.Context(), u, size)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(cp)
	return nil, nil
}

func (s *Server) apiWitnesses(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	ws, err := s.Talks.Witnesses(r.Context(), u)
	if err != nil {
		return nil, err
	}
	return WitnessList{Witnesses: ws}, nil
}

func (s *Server) apiAddWitness(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req WitnessRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	wit, err := s.Talks.AddWitness(r.Context(), u, req.VerifierKey)
	if err != nil {
		return nil, err
	}
	return created{"/api/v1/ledger/witnesses", wit}, nil
}

func (s *Server) apiAddCosignature(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error) {
	var req CosignatureRequest
	if err := decode(w, r, &req); err != nil {
		return nil, err
	}
	if err := s.Talks.AddCosignature(r.Context(), u, req.Size, req.Cosignature); err != nil {
		return nil, err
	}
	return created{"/api/v1/ledger/checkpoints/" + strconv.FormatInt(req.Size, 10), req}, nil
}
