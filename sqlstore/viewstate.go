package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"parley"
)

// Language returns the user's saved interface language, "" for none.
func (t *Tx) Language(ctx context.Context, userID string) (string, error) {
	var lang string
	err := t.queryRow(ctx, `SELECT lang FROM user_settings WHERE user_id = ?`, userID).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return lang, t.formatError(err, "language")
}

// SetLanguage saves the user's interface language.
func (t *Tx) SetLanguage(ctx context.Context, userID, lang string) error {
	_, err := t.exec(ctx, `INSERT INTO user_settings (user_id, lang) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang`, userID, lang)
	return t.formatError(err, "set language")
}

// RoomStates returns the user's read marker, notification choice, unread
// count and last activity of each room.
func (t *Tx) RoomStates(ctx context.Context, userID, talksID string, rooms []string, hidden map[string]int64) ([]parley.RoomState, error) {
	out := make([]parley.RoomState, len(rooms))
	at := map[string]int{}
	for i, r := range rooms {
		out[i].Room = r
		at[r] = i
	}
	rows, err := t.query(ctx, `SELECT room, seq, notify FROM room_reads WHERE user_id = ? AND talks_id = ?`, userID, talksID)
	if err != nil {
		return nil, t.formatError(err, "room states")
	}
	for rows.Next() {
		var room string
		var seq int64
		var notify int
		if err := rows.Scan(&room, &seq, &notify); err != nil {
			rows.Close()
			return nil, t.formatError(err, "room states")
		}
		if i, ok := at[room]; ok {
			out[i].Read, out[i].Notify = seq, notify != 0
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, t.formatError(err, "room states")
	}
	for i := range out {
		st := &out[i]
		// Both reads walk the (talks_id, room, seq) index: the count covers
		// only what is unread, the last activity one row.
		cond, args := ` WHERE talks_id = ? AND room = ?`, []any{talksID, st.Room}
		if h := hidden[st.Room]; h > 0 {
			cond += ` AND event_seq <= ?`
			args = append(args, h)
		}
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM messages`+cond+` AND seq > ? AND author <> ?`, append(args, st.Read, userID)...).Scan(&st.Unread); err != nil {
			return nil, t.formatError(err, "unread")
		}
		var last string
		err := t.queryRow(ctx, `SELECT created_at FROM messages`+cond+` ORDER BY seq DESC LIMIT 1`, args...).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, t.formatError(err, "last activity")
		}
		st.LastAt = parseTime(last)
	}
	return out, nil
}

// MarkRead raises the user's read marker of a room to seq.
func (t *Tx) MarkRead(ctx context.Context, userID, talksID, room string, seq int64) error {
	_, err := t.exec(ctx, `INSERT INTO room_reads (user_id, talks_id, room, seq) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, talks_id, room) DO UPDATE SET seq = CASE WHEN excluded.seq > room_reads.seq THEN excluded.seq ELSE room_reads.seq END`,
		userID, talksID, room, seq)
	return t.formatError(err, "mark read")
}

// SetNotify saves whether the user wants notifications of a room.
func (t *Tx) SetNotify(ctx context.Context, userID, talksID, room string, notify bool) error {
	_, err := t.exec(ctx, `INSERT INTO room_reads (user_id, talks_id, room, notify) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, talks_id, room) DO UPDATE SET notify = excluded.notify`, userID, talksID, room, boolInt(notify))
	return t.formatError(err, "set notify")
}

// MessagesBefore lists the newest limit messages of a room before a room
// sequence number, oldest first.
func (t *Tx) MessagesBefore(ctx context.Context, talksID, room string, before, maxEventSeq int64, limit int) ([]parley.Message, error) {
	q := messageSelect + `WHERE m.talks_id = ? AND m.room = ?`
	args := []any{talksID, room}
	if before > 0 {
		q += ` AND m.seq < ?`
		args = append(args, before)
	}
	if maxEventSeq > 0 {
		q += ` AND m.event_seq <= ?`
		args = append(args, maxEventSeq)
	}
	q += ` ORDER BY m.seq DESC LIMIT ?`
	ms, err := t.queryMessages(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms, nil
}
