package ledger

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// KeyFile is the name of the signing key file inside the data directory.
const KeyFile = "ledger.key"

// Signer holds the deployment's Ed25519 note key and signs checkpoints.
// The key name is the log origin.
type Signer struct {
	origin string
	vkey   string
	signer note.Signer
}

// CheckOrigin reports whether origin is usable as a checkpoint origin and key
// name: 1 to 255 bytes of printable ASCII (0x21-0x7e) other than '+',
// conventionally a schema-less URL such as "parley.example/demo".
func CheckOrigin(origin string) error {
	if origin == "" || len(origin) > 255 {
		return fmt.Errorf("ledger: origin %q: must be 1 to 255 bytes", origin)
	}
	for i := 0; i < len(origin); i++ {
		if c := origin[i]; c < 0x21 || c > 0x7e || c == '+' {
			return fmt.Errorf("ledger: origin %q: byte %d (%q) not allowed", origin, i, c)
		}
	}
	return nil
}

// GenerateKey returns a new note signer key (the contents of the key file)
// and its verifier key for origin.
func GenerateKey(origin string) (skey, vkey string, err error) {
	if err := CheckOrigin(origin); err != nil {
		return "", "", err
	}
	skey, vkey, err = note.GenerateKey(nil, origin)
	if err != nil {
		return "", "", fmt.Errorf("ledger: generate key: %w", err)
	}
	return skey, vkey, nil
}

// NewSigner returns a Signer for a note signer key
// ("PRIVATE+KEY+origin+hash+key"). The key name becomes the origin.
func NewSigner(skey string) (*Signer, error) {
	skey = strings.TrimSpace(skey)
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("ledger: signer key: %w", err)
	}
	if err := CheckOrigin(s.Name()); err != nil {
		return nil, err
	}
	// The signer key ends in base64(0x01 ‖ seed); derive the public key.
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 0x01 {
		return nil, errors.New("ledger: signer key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return nil, fmt.Errorf("ledger: signer key: %w", err)
	}
	return &Signer{origin: s.Name(), vkey: vkey, signer: s}, nil
}

// LoadSigner reads a signing key file. The key must be readable by its
// owner only: a key file that group or others may read (or write) is
// refused, since whoever reads it can sign checkpoints in the deployment's
// name.
func LoadSigner(path string) (*Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: key: %w", err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("ledger: key: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("ledger: key: %s is accessible by others (mode %04o); restrict it with chmod 600 %s", path, fi.Mode().Perm(), path)
		}
	}
	s, err := NewSigner(string(data))
	if err != nil {
		return nil, fmt.Errorf("ledger: key %s: %w", path, err)
	}
	return s, nil
}

// LoadOrCreateSigner reads the signing key from dir/ledger.key, generating
// one for origin (mode 0600) at first start. An existing key for another
// origin is an error, since changing the origin would orphan every
// checkpoint already handed out; origin "" accepts the existing key's.
func LoadOrCreateSigner(dir, origin string) (*Signer, error) {
	return LoadOrCreateSignerFile(filepath.Join(dir, KeyFile), origin)
}

// LoadOrCreateSignerFile is LoadOrCreateSigner for a key file at path,
// which several nodes of one deployment may share.
func LoadOrCreateSignerFile(path, origin string) (*Signer, error) {
	dir := filepath.Dir(path)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := CheckOrigin(origin); err != nil {
			return nil, err
		}
		if _, err := createKeyFile(dir, path, origin); err != nil {
			return nil, fmt.Errorf("ledger: key: %w", err)
		}
	}
	s, err := LoadSigner(path)
	if err != nil {
		return nil, err
	}
	if origin != "" && s.origin != origin {
		return nil, fmt.Errorf("ledger: key %s is for origin %q, not %q", path, s.origin, origin)
	}
	return s, nil
}

// createKeyFile writes a fresh key durably without ever exposing a partial
// file under the final name; if another process wins the race its key is
// used.
func createKeyFile(dir, path, origin string) ([]byte, error) {
	skey, _, err := GenerateKey(origin)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, KeyFile+".tmp*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, err
	}
	if _, err := tmp.WriteString(skey + "\n"); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return os.ReadFile(path)
}

// Origin returns the log origin, the first line of every checkpoint.
func (s *Signer) Origin() string { return s.origin }

// VerifierKey returns the note verifier key ("origin+hash+key") that
// members pass to parley verify.
func (s *Signer) VerifierKey() string { return s.vkey }

// Checkpoint returns a C2SP checkpoint for t as a signed note:
//
//	origin
//	size
//	base64(root)
//
//	— origin base64(keyhash ‖ signature)
func (s *Signer) Checkpoint(t tlog.Tree) ([]byte, error) {
	if t.N < 0 {
		return nil, fmt.Errorf("ledger: checkpoint: negative size %d", t.N)
	}
	text := formatCheckpoint(s.origin, t)
	msg, err := note.Sign(&note.Note{Text: text}, s.signer)
	if err != nil {
		return nil, fmt.Errorf("ledger: checkpoint: %w", err)
	}
	return msg, nil
}

func formatCheckpoint(origin string, t tlog.Tree) string {
	return origin + "\n" + strconv.FormatInt(t.N, 10) + "\n" + base64.StdEncoding.EncodeToString(t.Hash[:]) + "\n"
}

// Checkpoint is a verified checkpoint.
type Checkpoint struct {
	Origin string    // first line; equal to the verifier key name
	Tree   tlog.Tree // tree size and root hash
	Note   []byte    // the signed note as received
}

// OpenCheckpoint verifies the signature on a checkpoint note with
// verifierKey, checks that its origin is the key name, and parses it.
func OpenCheckpoint(msg []byte, verifierKey string) (Checkpoint, error) {
	v, err := note.NewVerifier(strings.TrimSpace(verifierKey))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("ledger: checkpoint: verifier key %q: %w", verifierKey, err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unverified):
			return Checkpoint{}, fmt.Errorf("ledger: checkpoint: no signature by key %s+%08x (forged, or signed by another key)", v.Name(), v.KeyHash())
		case errors.As(err, &invalid):
			return Checkpoint{}, fmt.Errorf("ledger: checkpoint: signature by %s does not match its text (checkpoint altered or forged)", invalid.Name)
		default:
			return Checkpoint{}, fmt.Errorf("ledger: checkpoint: malformed signed note: %w", err)
		}
	}
	t, origin, err := parseCheckpointText(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("ledger: checkpoint: origin %q, want %q", origin, v.Name())
	}
	return Checkpoint{Origin: origin, Tree: t, Note: msg}, nil
}

// parseCheckpointText parses the C2SP checkpoint body; extension lines after
// the root hash are allowed and ignored.
func parseCheckpointText(text string) (tlog.Tree, string, error) {
	lines := strings.SplitAfterN(text, "\n", 4)
	if len(lines) < 3 || !strings.HasSuffix(lines[2], "\n") {
		return tlog.Tree{}, "", errors.New("ledger: checkpoint: want origin, size and root hash lines")
	}
	origin := strings.TrimSuffix(lines[0], "\n")
	sizeText := strings.TrimSuffix(lines[1], "\n")
	n, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != sizeText {
		return tlog.Tree{}, "", fmt.Errorf("ledger: checkpoint: malformed tree size %q", sizeText)
	}
	rootText := strings.TrimSuffix(lines[2], "\n")
	root, err := base64.StdEncoding.DecodeString(rootText)
	if err != nil || len(root) != tlog.HashSize {
		return tlog.Tree{}, "", fmt.Errorf("ledger: checkpoint: malformed root hash %q", rootText)
	}
	t := tlog.Tree{N: n}
	copy(t.Hash[:], root)
	return t, origin, nil
}
