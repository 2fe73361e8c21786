package talks

import (
	"context"
	"strings"

	"parley"
	"parley/ledger"
)

// MaxWitnesses bounds the witnesses a deployment collects cosignatures
// from.
const MaxWitnesses = 32

// AddWitness registers a witness's cosignature verifier key, so that the
// server keeps the cosignatures it returns and serves them with the
// checkpoints: an administrator may, or the system. Which witnesses a
// member trusts is theirs to say, in parley verify --witness; the list
// only stops the server from keeping signatures nobody asked for.
func (s *Service) AddWitness(ctx context.Context, actor *parley.User, vkey string) (*parley.Witness, error) {
	if actor != nil && !actor.Admin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an administrator can add a witness")
	}
	if err := checkUnlimited(actor); err != nil {
		return nil, err
	}
	vkey = strings.TrimSpace(vkey)
	v, err := ledger.WitnessVerifier(vkey)
	if err != nil || len(vkey) > 500 {
		return nil, parley.Errorf(parley.EINVALID, "verifier_key must be a witness's cosignature verifier key (NAME+HASH+BASE64)")
	}
	w := &parley.Witness{Name: v.Name(), VerifierKey: vkey, AddedAt: s.now()}
	err = s.update(ctx, func(tx parley.Tx) error {
		ws, err := tx.Witnesses(ctx)
		if err != nil {
			return err
		}
		if len(ws) >= MaxWitnesses {
			return parley.Errorf(parley.ECONFLICT, "at most %d witnesses", MaxWitnesses)
		}
		return tx.PutWitness(ctx, w)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// Witnesses lists the witnesses whose cosignatures the server keeps, for
// members of some talks.
func (s *Service) Witnesses(ctx context.Context, actor *parley.User) ([]parley.Witness, error) {
	if err := s.checkLedgerReader(ctx, actor); err != nil {
		return nil, err
	}
	var out []parley.Witness
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		out, err = tx.Witnesses(ctx)
		return err
	})
	return out, err
}

// AddCosignature keeps a witness's cosignature of the checkpoint of a
// size, once checked against the registered witness of that name. A
// witness, run by a party on its own machine, posts it with a member's
// bearer token (see parley witness).
func (s *Service) AddCosignature(ctx context.Context, actor *parley.User, size int64, line string) error {
	if err := s.checkLedgerReader(ctx, actor); err != nil {
		return err
	}
	if len(line) > ledger.MaxCosignatureLine {
		return parley.Errorf(parley.ETOOLARGE, "a cosignature is one line of at most %d bytes", ledger.MaxCosignatureLine)
	}
	if !strings.HasSuffix(line, "\n") {
		line += "\n"
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(line, "— "), " ")
	return s.update(ctx, func(tx parley.Tx) error {
		note, err := tx.CheckpointAt(ctx, size)
		if err != nil {
			return err
		}
		ws, err := tx.Witnesses(ctx)
		if err != nil {
			return err
		}
		for _, w := range ws {
			if w.Name != name {
				continue
			}
			if err := ledger.CheckCosignature(note, line, w.VerifierKey); err != nil {
				return parley.Errorf(parley.EINVALID, "%s", parley.ErrorDetail(err))
			}
			return tx.PutCosignature(ctx, &parley.Cosignature{Size: size, Witness: name, Signature: line, CreatedAt: s.now()})
		}
		return parley.Errorf(parley.EINVALID, "no witness named %q is registered here", name)
	})
}

// CheckpointAt returns the signed checkpoint of a size with its
// cosignatures, for members of some talks; sizes beyond the published
// checkpoint do not exist.
func (s *Service) CheckpointAt(ctx context.Context, actor *parley.User, size int64) ([]byte, error) {
	var note []byte
	err := s.ledgerView(ctx, actor, func(tx parley.Tx, published int64) error {
		if size < 1 || size > published {
			return parley.Errorf(parley.ENOTFOUND, "no checkpoint of size %d", size)
		}
		var err error
		note, err = cosigned(ctx, tx, size)
		return err
	})
	return note, err
}

// cosigned returns the checkpoint of a size with the cosignatures kept for
// it.
func cosigned(ctx context.Context, tx parley.Tx, size int64) ([]byte, error) {
	note, err := tx.CheckpointAt(ctx, size)
	if err != nil {
		return nil, err
	}
	cs, err := tx.Cosignatures(ctx, size)
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = c.Signature
	}
	return ledger.AttachCosignatures(note, lines), nil
}
