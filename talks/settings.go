package talks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"parley"
)

// Secret returns the deployment's random secret of that name (32 bytes),
// creating it the first time, so that every node of a deployment shares it:
// the keys that sign cookies, for instance.
func (s *Service) Secret(ctx context.Context, name string) ([]byte, error) {
	key := "secret:" + name
	var v string
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		v, err = tx.Setting(ctx, key)
		return err
	})
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		err = s.update(ctx, func(tx parley.Tx) error {
			v, err = tx.Setting(ctx, key)
			if parley.ErrorCode(err) != parley.ENOTFOUND {
				return err
			}
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return fmt.Errorf("talks: secret: %w", err)
			}
			v = hex.EncodeToString(b)
			return tx.PutSetting(ctx, key, v)
		})
	}
	if err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(v)
	if err != nil || len(b) < 16 {
		return nil, fmt.Errorf("talks: secret %s is malformed", name)
	}
	return b, nil
}

// Setting returns a deployment setting, ENOTFOUND when unset.
func (s *Service) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		v, err = tx.Setting(ctx, name)
		return err
	})
	return v, err
}

// PutSetting sets a deployment setting.
func (s *Service) PutSetting(ctx context.Context, name, value string) error {
	return s.update(ctx, func(tx parley.Tx) error { return tx.PutSetting(ctx, name, value) })
}
