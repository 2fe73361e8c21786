package ledger

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	cosig "github.com/transparency-dev/formats/note"
)

// Witnesses, after C2SP tlog-witness: a witness, run by someone other
// than the log's operator, keeps the latest checkpoint it saw of the log,
// cosigns a newer one only if a consistency proof shows it extends that
// one, and returns a cosignature in the C2SP tlog-cosignature format
// (cosignature/v1: Ed25519 over "cosignature/v1\ntime T\n" and the
// checkpoint text, with the time in the signature). A log that shows two
// people different histories cannot get both cosigned by one witness.

// MaxCosignatureLine bounds one signature line, far above an Ed25519
// cosignature's.
const MaxCosignatureLine = 1024

// ErrFork says that a checkpoint does not extend the one a witness holds:
// the log showed two histories, or rolled back.
var ErrFork = errors.New("ledger: witness: the checkpoint does not extend the one this witness cosigned: the log forked or rolled back")

// GenerateWitnessKey returns a new witness signer key (for the witness's
// own machine, never the server's) and its cosignature/v1 verifier key
// (for parley verify --witness and the server's list of witnesses).
func GenerateWitnessKey(name string) (skey, vkey string, err error) {
	if err := CheckOrigin(name); err != nil {
		return "", "", fmt.Errorf("ledger: witness name: %w", trimPrefix(err))
	}
	skey, plain, err := note.GenerateKey(nil, name)
	if err != nil {
		return "", "", fmt.Errorf("ledger: witness key: %w", err)
	}
	vkey, err = cosig.VKeyToCosignatureV1(plain)
	if err != nil {
		return "", "", fmt.Errorf("ledger: witness key: %w", err)
	}
	return skey, vkey, nil
}

// Cosigner cosigns checkpoints with a witness's key.
type Cosigner struct {
	signer *cosig.Signer
}

// NewCosigner returns the cosigner of a witness signer key.
func NewCosigner(skey string) (*Cosigner, error) {
	s, err := cosig.NewSignerForCosignatureV1(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("ledger: witness key: %w", err)
	}
	return &Cosigner{signer: s}, nil
}

// Name is the witness's name, the name on its signature lines.
func (c *Cosigner) Name() string { return c.signer.Name() }

// Cosign returns the cosignature line ("— NAME BASE64\n") of a verified
// checkpoint. It judges nothing: a Witness decides what to cosign.
func (c *Cosigner) Cosign(cp Checkpoint) (string, error) {
	text, err := checkpointText(cp.Note)
	if err != nil {
		return "", err
	}
	signed, err := note.Sign(&note.Note{Text: text}, c.signer)
	if err != nil {
		return "", fmt.Errorf("ledger: cosign: %w", err)
	}
	return string(signed[len(text)+1:]), nil
}

// checkpointText returns the text of a signed note, without signatures.
func checkpointText(msg []byte) (string, error) {
	i := strings.Index(string(msg), "\n\n")
	if i < 0 {
		return "", errors.New("ledger: checkpoint: not a signed note")
	}
	return string(msg[:i+1]), nil
}

// Witness holds, for one log, the latest checkpoint a witness cosigned.
type Witness struct {
	// LogKey is the log's verifier key.
	LogKey string
	// Latest is the newest checkpoint cosigned, nil before the first.
	Latest *Checkpoint
}

// Advance checks that a new checkpoint is signed by the log and extends
// the latest one (by proof, a consistency proof from the latest size to
// the new one), and makes it the latest. A checkpoint that does not is
// refused with ErrFork and the witness keeps what it had.
func (w *Witness) Advance(msg []byte, proof ConsistencyProof) (Checkpoint, error) {
	c, err := OpenCheckpoint(msg, w.LogKey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("ledger: witness: %w", trimPrefix(err))
	}
	old := tlog.Tree{N: 0, Hash: emptyRoot}
	if w.Latest != nil {
		old = w.Latest.Tree
	}
	if c.Tree.N < old.N {
		return Checkpoint{}, fmt.Errorf("%w (size %d after size %d)", ErrFork, c.Tree.N, old.N)
	}
	if err := CheckConsistency(proof, old, c.Tree); err != nil {
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrFork, trimPrefix(err))
	}
	w.Latest = &c
	return c, nil
}

// WitnessVerifier parses a witness's cosignature/v1 verifier key.
func WitnessVerifier(vkey string) (note.Verifier, error) {
	v, err := cosig.NewVerifierForCosignatureV1(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("ledger: witness key %q: %w", vkey, err)
	}
	return v, nil
}

// CheckCosignature checks that line is a valid cosignature by the witness
// of vkey on the checkpoint msg.
func CheckCosignature(msg []byte, line, vkey string) error {
	v, err := WitnessVerifier(vkey)
	if err != nil {
		return err
	}
	if len(line) > MaxCosignatureLine || !strings.HasPrefix(line, "— ") || !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
		return errors.New("ledger: cosignature: want one signature line, \"— NAME BASE64\"")
	}
	text, err := checkpointText(msg)
	if err != nil {
		return err
	}
	n, err := note.Open([]byte(text+"\n"+line), note.VerifierList(v))
	if err != nil || len(n.Sigs) != 1 {
		return fmt.Errorf("ledger: cosignature: not a valid signature by %s on this checkpoint", v.Name())
	}
	return nil
}

// AttachCosignatures returns the checkpoint msg with the signature lines
// added after its own.
func AttachCosignatures(msg []byte, lines []string) []byte {
	out := append([]byte(nil), msg...)
	for _, l := range lines {
		out = append(out, l...)
	}
	return out
}

// VerifyWitnesses checks that the checkpoint msg, signed by the log's
// key, carries valid cosignatures from at least quorum of the witnesses'
// keys, and returns how many it carries. A cosignature line that claims
// one of those keys but does not verify is an error.
func VerifyWitnesses(msg []byte, logKey string, witnessKeys []string, quorum int) (int, error) {
	lv, err := note.NewVerifier(strings.TrimSpace(logKey))
	if err != nil {
		return 0, fmt.Errorf("ledger: verifier key %q: %w", logKey, err)
	}
	vs := []note.Verifier{lv}
	seen := map[string]bool{}
	for _, k := range witnessKeys {
		v, err := WitnessVerifier(k)
		if err != nil {
			return 0, err
		}
		id := fmt.Sprintf("%s+%08x", v.Name(), v.KeyHash())
		if seen[id] {
			continue // a key given twice counts once
		}
		seen[id] = true
		vs = append(vs, v)
	}
	n, err := note.Open(msg, note.VerifierList(vs...))
	if err != nil {
		var invalid *note.InvalidSignatureError
		if errors.As(err, &invalid) {
			return 0, fmt.Errorf("ledger: witnesses: the signature by %s does not verify", invalid.Name)
		}
		return 0, fmt.Errorf("ledger: witnesses: %w", err)
	}
	count, logSigned := 0, false
	for _, s := range n.Sigs {
		if s.Name == lv.Name() && s.Hash == lv.KeyHash() {
			logSigned = true
			continue
		}
		count++
	}
	if !logSigned {
		return count, errors.New("ledger: witnesses: the checkpoint is not signed by the log")
	}
	if count < quorum {
		return count, fmt.Errorf("ledger: witnesses: %d of the %d witnesses given cosigned the checkpoint, want at least %d", count, len(witnessKeys), quorum)
	}
	return count, nil
}
