package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"parley"
)

// LastRoomSeq returns the RoomSeq of the room's newest message, 0 for none.
func (t *Tx) LastRoomSeq(ctx context.Context, talksID, room string) (int64, error) {
	var n int64
	err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM messages WHERE talks_id = ? AND room = ?`, talksID, room).Scan(&n)
	return n, t.formatError(err, "last room seq")
}

// InsertMessage stores m (and m.Relay); a RoomSeq taken in the room is
// ECONFLICT.
func (t *Tx) InsertMessage(ctx context.Context, m *parley.Message) error {
	_, err := t.exec(ctx, `INSERT INTO messages (id, talks_id, room, seq, author, delegation, disclosure, text, created_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.TalksID, m.Room, m.RoomSeq, m.Author, m.Delegation, m.Disclosure, m.Text, fmtTime(m.CreatedAt), m.EventSeq)
	if err != nil {
		return t.formatError(err, "insert message")
	}
	if r := m.Relay; r != nil {
		_, err := t.exec(ctx, `INSERT INTO relays (message_id, mode, attribution, from_delegation, source_room, source_message, source_author, source_delegation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, r.Mode, r.Attribution, r.From, r.SourceRoom, r.SourceMessage, r.SourceAuthor, r.SourceDelegation)
		if err != nil {
			return t.formatError(err, "insert relay")
		}
	}
	if p := m.Proposal; p != nil {
		pkg, err := packageJSON(p.Package)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO proposals (message_id, package, note) VALUES (?, ?, ?)`, m.ID, pkg, p.Note); err != nil {
			return t.formatError(err, "insert proposal")
		}
	}
	return nil
}

const messageSelect = `SELECT m.id, m.talks_id, m.room, m.seq, m.author, COALESCE(u.display_name, ''), m.delegation, m.disclosure, m.text, m.created_at, m.event_seq,
	r.mode, r.attribution, r.from_delegation, COALESCE(fd.name, ''), r.source_room, r.source_message, r.source_author, r.source_delegation,
	p.package, p.note
	FROM messages m
	LEFT JOIN users u ON u.id = m.author
	LEFT JOIN relays r ON r.message_id = m.id
	LEFT JOIN delegations fd ON fd.id = r.from_delegation
	LEFT JOIN proposals p ON p.message_id = m.id `

func scanMessage(row interface{ Scan(...any) error }) (*parley.Message, error) {
	var m parley.Message
	var created string
	var mode, attr, from, fromName, srcRoom, srcMsg, srcAuthor, srcDel, pkg, note sql.NullString
	if err := row.Scan(&m.ID, &m.TalksID, &m.Room, &m.RoomSeq, &m.Author, &m.AuthorName, &m.Delegation, &m.Disclosure, &m.Text, &created, &m.EventSeq,
		&mode, &attr, &from, &fromName, &srcRoom, &srcMsg, &srcAuthor, &srcDel, &pkg, &note); err != nil {
		return nil, err
	}
	if pkg.Valid {
		p, err := parsePackage(pkg.String)
		if err != nil {
			return nil, err
		}
		m.Proposal = &parley.Proposal{Package: p, Note: note.String}
	}
	m.CreatedAt = parseTime(created)
	if mode.Valid {
		m.Relay = &parley.Relay{
			Mode: parley.RelayMode(mode.String), Attribution: parley.Attribution(attr.String),
			From: from.String, FromName: fromName.String,
			SourceRoom: srcRoom.String, SourceMessage: srcMsg.String, SourceAuthor: srcAuthor.String, SourceDelegation: srcDel.String,
		}
	}
	return &m, nil
}

// Message returns one message of the talks with its full relay record.
func (t *Tx) Message(ctx context.Context, talksID, id string) (*parley.Message, error) {
	m, err := scanMessage(t.queryRow(ctx, messageSelect+`WHERE m.talks_id = ? AND m.id = ?`, talksID, id))
	if err != nil {
		return nil, t.notFound("message", err)
	}
	return m, nil
}

func (t *Tx) queryMessages(ctx context.Context, query string, args ...any) ([]parley.Message, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, t.formatError(err, "messages")
	}
	defer rows.Close()
	out := []parley.Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, t.formatError(err, "messages")
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// Messages lists a room's messages after a room sequence number.
func (t *Tx) Messages(ctx context.Context, talksID, room string, after, maxEventSeq int64, limit int) ([]parley.Message, error) {
	q := messageSelect + `WHERE m.talks_id = ? AND m.room = ? AND m.seq > ?`
	args := []any{talksID, room, after}
	if maxEventSeq > 0 {
		q += ` AND m.event_seq <= ?`
		args = append(args, maxEventSeq)
	}
	q += ` ORDER BY m.seq LIMIT ?`
	return t.queryMessages(ctx, q, append(args, limit)...)
}

// CountMessagesAfter counts a room's messages recorded after eventSeq.
func (t *Tx) CountMessagesAfter(ctx context.Context, talksID, room string, eventSeq int64) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM messages WHERE talks_id = ? AND room = ? AND event_seq > ?`, talksID, room, eventSeq).Scan(&n)
	if err != nil {
		return 0, t.formatError(err, "count messages")
	}
	return n, nil
}

// SearchMessages finds messages containing q (case-insensitive for ASCII)
// in the given rooms, newest first.
func (t *Tx) SearchMessages(ctx context.Context, talksID string, rooms []string, hidden map[string]int64, q string, limit int) ([]parley.Message, error) {
	if len(rooms) == 0 {
		return []parley.Message{}, nil
	}
	conds, roomArgs := roomConds(rooms, hidden)
	args := append([]any{talksID, "%" + escapeLike(q) + "%"}, roomArgs...)
	query := messageSelect + `WHERE m.talks_id = ? AND m.text ` + t.d.Like() + ` ? ESCAPE '\' AND (` + strings.Join(conds, " OR ") + `) ORDER BY m.event_seq DESC LIMIT ?`
	return t.queryMessages(ctx, query, append(args, limit)...)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
