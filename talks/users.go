package talks

import (
	"context"
	"strings"

	"parley"
	"parley/auth"
)

// NewUser describes an account to create.
type NewUser struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	Admin       bool   `json:"admin"`
}

// CreateUser creates an account and records it in the ledger (without
// anything secret). Only an administrator may, or the system (a nil actor:
// the command line and scenario loading, run by whoever holds the data).
func (s *Service) CreateUser(ctx context.Context, actor *parley.User, nu NewUser) (*parley.User, error) {
	if actor != nil && !actor.Admin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an administrator can create users")
	}
	if err := checkUnlimited(actor); err != nil {
		return nil, err
	}
	u := &parley.User{ID: parley.NewID("u_"), Name: strings.TrimSpace(nu.Name), DisplayName: strings.TrimSpace(nu.DisplayName), Admin: nu.Admin}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := auth.ValidatePassword(nu.Password); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	err = s.update(ctx, func(tx parley.Tx) error {
		u.CreatedAt = s.now()
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		_, err := s.emit(ctx, tx, actorID(actor), "", "", parley.EventUserCreated, parley.UserCreated{ID: u.ID, Name: u.Name, Admin: u.Admin})
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// User returns an account by login name or id, for an administrator or the
// user themselves.
func (s *Service) User(ctx context.Context, actor *parley.User, ref string) (*parley.User, error) {
	var u *parley.User
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		u, err = tx.UserByName(ctx, ref)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			u, err = tx.UserByID(ctx, ref)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if actor != nil && !actor.Admin && actor.ID != u.ID {
		return nil, parley.Errorf(parley.ENOTFOUND, "user not found")
	}
	return u, nil
}

// Users lists every account, for an administrator (or the system).
func (s *Service) Users(ctx context.Context, actor *parley.User) ([]parley.User, error) {
	if actor != nil && !actor.Admin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only an administrator can list users")
	}
	var out []parley.User
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		out, err = tx.ListUsers(ctx)
		return err
	})
	return out, err
}
