package parley

import "context"

// TextTx is the part of a transaction that stores the single negotiating
// text, positions, the negotiation domain, proposals, preference profiles
// and reflections. Like the rest of Tx, it holds no rules.
type TextTx interface {
	// InsertTextVersion stores a new version; a number taken is ECONFLICT.
	InsertTextVersion(ctx context.Context, v *TextVersion) error
	// TextVersions returns every version of the talks' text, oldest first.
	TextVersions(ctx context.Context, talksID string) ([]TextVersion, error)
	// UpsertPosition stores a party's position on a clause of a version,
	// replacing one it recorded on that clause of that version before.
	UpsertPosition(ctx context.Context, p *Position) error
	// Positions returns the positions recorded in the talks, of one
	// delegation or, for "", of all, ordered by version and event.
	Positions(ctx context.Context, talksID, delegation string) ([]Position, error)

	// PutDomain stores or replaces the talks' negotiation domain.
	PutDomain(ctx context.Context, d *Domain) error
	// Domain returns the talks' negotiation domain, ENOTFOUND when unset.
	Domain(ctx context.Context, talksID string) (*Domain, error)
	// Proposals lists the messages with a proposal in the given rooms,
	// oldest first; hidden maps a room to a maximum EventSeq as in
	// SearchMessages.
	Proposals(ctx context.Context, talksID string, rooms []string, hidden map[string]int64) ([]Message, error)
	// CountProposals counts the talks' proposals in every room.
	CountProposals(ctx context.Context, talksID string) (int, error)

	// PutProfile stores a party's profile and consent.
	PutProfile(ctx context.Context, p *Profile) error
	// Profile returns a party's profile row, ENOTFOUND when it has none.
	Profile(ctx context.Context, talksID, delegation string) (*Profile, error)
	// Profiles returns every profile row of the talks.
	Profiles(ctx context.Context, talksID string) ([]Profile, error)

	// InsertReflection stores a new reflection.
	InsertReflection(ctx context.Context, r *Reflection) error
	// UpdateReflection stores a reflection's state and answers.
	UpdateReflection(ctx context.Context, r *Reflection) error
	// Reflections returns the talks' reflections, newest first.
	Reflections(ctx context.Context, talksID string) ([]Reflection, error)
}
