package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"parley"
)

// Passkeys are parley's primary sign-in (WebAuthn, through
// github.com/go-webauthn/webauthn): several per account, named,
// removable. A ceremony's state (its challenge) travels between its two
// requests in a signed cookie set by package http, so that any node of a
// deployment can finish what another began.

// MaxPasskeys bounds an account's passkeys.
const MaxPasskeys = 10

// ceremonyTimeout bounds a passkey ceremony.
const ceremonyTimeout = 5 * time.Minute

// ConfigurePasskeys enables passkeys for the site at publicURL (e.g.
// https://parley.example, or http://localhost:8080 for trying it): its
// host is the relying party id, its origin the only one accepted.
// WebAuthn needs a name, not an address: 127.0.0.1 does not do.
func (s *Service) ConfigurePasskeys(publicURL string) error {
	u, err := url.Parse(publicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("auth: public URL %q: want https://HOST[:PORT] (or http://localhost:PORT)", publicURL)
	}
	origin := u.Scheme + "://" + u.Host
	w, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: "parley",
		RPOrigins:     []string{origin},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTimeout, TimeoutUVD: ceremonyTimeout},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTimeout, TimeoutUVD: ceremonyTimeout},
		},
	})
	if err != nil {
		return fmt.Errorf("auth: passkeys for %s: %w", publicURL, err)
	}
	s.webauthn = w
	return nil
}

func (s *Service) passkeysOn() error {
	if s.webauthn == nil {
		return parley.Errorf(parley.ENOTFOUND, "passkeys are not set up on this server (serve --public-url)")
	}
	return nil
}

// passkeyUser is an account as go-webauthn sees it.
type passkeyUser struct {
	id, name, display string
	creds             []webauthn.Credential
}

func (p *passkeyUser) WebAuthnID() []byte                         { return []byte(p.id) }
func (p *passkeyUser) WebAuthnName() string                       { return p.name }
func (p *passkeyUser) WebAuthnDisplayName() string                { return p.display }
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// credentials decodes stored passkeys.
func credentials(pks []parley.Passkey) ([]webauthn.Credential, error) {
	out := make([]webauthn.Credential, len(pks))
	for i := range pks {
		if err := json.Unmarshal(pks[i].Credential, &out[i]); err != nil {
			return nil, fmt.Errorf("auth: passkey %s: %w", pks[i].ID, err)
		}
	}
	return out, nil
}

// Ceremony is the state of a passkey ceremony between its two requests:
// the library's session data, and for an invitation the account being
// made.
type Ceremony struct {
	Session webauthn.SessionData `json:"session"`
	// Account is the new account's id, name and display name (invitations).
	AccountID   string `json:"account_id,omitempty"`
	AccountName string `json:"account_name,omitempty"`
	Display     string `json:"display,omitempty"`
	// Invitation is the hash of the invitation secret it accepts.
	Invitation []byte `json:"invitation,omitempty"`
}

// BeginRegistration starts enrolling a passkey for the account (id, name,
// display name), excluding the passkeys it has. It returns the options for
// navigator.credentials.create and the ceremony to keep.
func (s *Service) BeginRegistration(ctx context.Context, id, name, display string) (*protocol.CredentialCreation, *Ceremony, error) {
	if err := s.passkeysOn(); err != nil {
		return nil, nil, err
	}
	var pks []parley.Passkey
	if err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		pks, err = tx.Passkeys(ctx, id)
		return err
	}); err != nil {
		return nil, nil, err
	}
	if len(pks) >= MaxPasskeys {
		return nil, nil, parley.Errorf(parley.ECONFLICT, "an account has at most %d passkeys; remove one first", MaxPasskeys)
	}
	creds, err := credentials(pks)
	if err != nil {
		return nil, nil, err
	}
	u := &passkeyUser{id: id, name: name, display: display, creds: creds}
	opts, sess, err := s.webauthn.BeginRegistration(u,
		webauthn.WithExclusions(webauthn.Credentials(creds).CredentialDescriptors()),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementRequired,
			UserVerification: protocol.VerificationPreferred,
		}))
	if err != nil {
		return nil, nil, fmt.Errorf("auth: begin registration: %w", err)
	}
	return opts, &Ceremony{Session: *sess, AccountID: id, AccountName: name, Display: display}, nil
}

// CheckPasskeyName trims and validates a passkey's name.
func CheckPasskeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "passkey"
	}
	return name, parley.CheckOptional("name", name, parley.MaxNameBytes)
}

// FinishRegistration checks the authenticator's answer to a registration
// ceremony and returns the passkey to store (not stored yet).
func (s *Service) FinishRegistration(c *Ceremony, name string, response []byte) (*parley.Passkey, error) {
	if err := s.passkeysOn(); err != nil {
		return nil, err
	}
	name, err := CheckPasskeyName(name)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "the passkey's answer does not decode")
	}
	u := &passkeyUser{id: c.AccountID, name: c.AccountName, display: c.Display}
	cred, err := s.webauthn.CreateCredential(u, c.Session, parsed)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "the passkey could not be verified")
	}
	rec, err := json.Marshal(cred)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	return &parley.Passkey{ID: parley.NewID("p_"), UserID: c.AccountID, Name: name, CredentialID: cred.ID, Credential: rec, CreatedAt: now}, nil
}

// AddPasskey enrols a passkey for a signed-in account from the answer to
// its registration ceremony.
func (s *Service) AddPasskey(ctx context.Context, u *parley.User, c *Ceremony, name string, response []byte) (*parley.Passkey, error) {
	if c.AccountID != u.ID || c.Invitation != nil {
		return nil, parley.Errorf(parley.EINVALID, "this passkey ceremony is not for this account")
	}
	pk, err := s.FinishRegistration(c, name, response)
	if err != nil {
		return nil, err
	}
	_, err = s.Store.Update(ctx, func(tx parley.Tx) error {
		pks, err := tx.Passkeys(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(pks) >= MaxPasskeys {
			return parley.Errorf(parley.ECONFLICT, "an account has at most %d passkeys", MaxPasskeys)
		}
		return tx.CreatePasskey(ctx, pk)
	})
	if err != nil {
		return nil, err
	}
	return pk, nil
}

// Passkeys lists an account's passkeys, oldest first.
func (s *Service) Passkeys(ctx context.Context, userID string) ([]parley.Passkey, error) {
	var out []parley.Passkey
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		out, err = tx.Passkeys(ctx, userID)
		return err
	})
	return out, err
}

// RemovePasskey removes one of u's passkeys. The last one stays while
// passwords are off or the account has none: removing it would lock the
// account out.
func (s *Service) RemovePasskey(ctx context.Context, u *parley.User, id string) error {
	_, err := s.Store.Update(ctx, func(tx parley.Tx) error {
		pks, err := tx.Passkeys(ctx, u.ID)
		if err != nil {
			return err
		}
		found := false
		for _, p := range pks {
			found = found || p.ID == id
		}
		if !found {
			return parley.Errorf(parley.ENOTFOUND, "passkey not found")
		}
		if len(pks) == 1 && (!s.Passwords || u.PasswordHash == "") {
			return parley.Errorf(parley.ECONFLICT, "this is your last passkey; add another before removing it")
		}
		return tx.DeletePasskey(ctx, u.ID, id)
	})
	return err
}

// BeginLogin starts a passkey sign-in in which the authenticator says
// which account it is for (a discoverable credential).
func (s *Service) BeginLogin() (*protocol.CredentialAssertion, *Ceremony, error) {
	if err := s.passkeysOn(); err != nil {
		return nil, nil, err
	}
	opts, sess, err := s.webauthn.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, nil, fmt.Errorf("auth: begin login: %w", err)
	}
	return opts, &Ceremony{Session: *sess}, nil
}

// FinishLogin checks the authenticator's answer to a sign-in ceremony and
// opens a session: it returns its secret and the account.
func (s *Service) FinishLogin(ctx context.Context, c *Ceremony, response []byte) (string, *parley.User, error) {
	if err := s.passkeysOn(); err != nil {
		return "", nil, err
	}
	bad := parley.Errorf(parley.EUNAUTHORIZED, "the passkey was not accepted")
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return "", nil, bad
	}
	var u *parley.User
	var pk *parley.Passkey
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		err := s.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			if pk, err = tx.PasskeyByCredentialID(ctx, rawID); err != nil {
				return err
			}
			if pk.UserID != string(userHandle) {
				return parley.Errorf(parley.ENOTFOUND, "passkey not found")
			}
			u, err = tx.UserByID(ctx, pk.UserID)
			return err
		})
		if err != nil {
			return nil, err
		}
		creds, err := credentials([]parley.Passkey{*pk})
		if err != nil {
			return nil, err
		}
		return &passkeyUser{id: u.ID, name: u.Name, display: u.DisplayName, creds: creds}, nil
	}
	cred, err := s.webauthn.ValidateDiscoverableLogin(handler, c.Session, parsed)
	if err != nil || u == nil || pk == nil {
		return "", nil, bad
	}
	if cred.Authenticator.CloneWarning {
		// The signature counter went backwards: a copy of the key exists.
		return "", nil, parley.Errorf(parley.EUNAUTHORIZED, "this passkey looks cloned and is refused; sign in with another and remove it")
	}
	if u.Disabled {
		return "", nil, errDisabled()
	}
	rec, err := json.Marshal(cred)
	if err != nil {
		return "", nil, err
	}
	pk.Credential, pk.LastUsedAt = rec, s.Now().UTC()
	if _, err := s.Store.Update(ctx, func(tx parley.Tx) error { return tx.UpdatePasskey(ctx, pk) }); err != nil {
		return "", nil, err
	}
	secret, err := s.StartSession(ctx, u)
	return secret, u, err
}
