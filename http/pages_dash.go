package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"parley"
	"parley/talks"
)

// dashboard is the rest of the talks page: rooms with what is new, the
// text's state, the ledger's checkpoint, and the newest meetings and
// reports.
type dashboard struct {
	// Unread counts the messages new since the user's last visit, in all
	// rooms.
	Unread int
	// Text is the text's newest version, when the user may read it.
	Text     *talks.VersionSummary
	Versions int
	Status   string
	// Checkpoint is the ledger's latest signed size and root hash.
	Checkpoint *checkpointView
	Meetings   []parley.Meeting
	Reports    []parley.ReportSubject
	// Next is the nearest deadline still ahead.
	Next *parley.Countdown
	// Statuses and Presences are the choices of the mediators' forms.
	Mediator bool
}

// checkpointView is a signed checkpoint as the pages show it.
type checkpointView struct {
	Origin string
	Size   int64
	Hash   string
	Note   string
}

// parseCheckpoint reads a signed note's origin, size and root hash.
func parseCheckpoint(note []byte) *checkpointView {
	lines := strings.SplitN(string(note), "\n", 4)
	cp := &checkpointView{Note: string(note)}
	if len(lines) >= 3 {
		cp.Origin, cp.Hash = lines[0], lines[2]
		cp.Size, _ = strconv.ParseInt(lines[1], 10, 64)
	}
	return cp
}

func (s *Server) dashboard(r *http.Request, u *parley.User, o *overview) (*dashboard, error) {
	ctx := r.Context()
	d := &dashboard{Unread: o.Unread()}
	if o.Mine != nil {
		d.Mediator = o.Mine.Kind == parley.KindMediator
		if o.Mine.Kind != parley.KindObserver {
			vs, err := s.Talks.TextVersions(ctx, u, o.ID)
			if err != nil {
				return nil, err
			}
			if d.Versions = len(vs); d.Versions > 0 {
				d.Text = &vs[len(vs)-1]
				tv, err := s.Talks.Text(ctx, u, o.ID, 0)
				if err != nil {
					return nil, err
				}
				d.Status = string(tv.Status)
			}
		}
	}
	if note, err := s.Talks.Checkpoint(ctx, u); err == nil {
		d.Checkpoint = parseCheckpoint(note)
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	if reg := o.Reg; reg != nil {
		d.Meetings = newest(reg.Meetings, 3)
		d.Reports = newest(reg.Reports, 3)
		for i := range reg.Deadlines {
			if !reg.Deadlines[i].Passed {
				d.Next = &reg.Deadlines[i]
				break
			}
		}
	}
	return d, nil
}

// newest keeps the last n of a list kept oldest first.
func newest[T any](xs []T, n int) []T {
	if len(xs) <= n {
		return xs
	}
	return xs[len(xs)-n:]
}

// talksRow is one talks in the list: what is new, when it last moved and
// the nearest deadline.
type talksRow struct {
	talks.View
	Unread int
	LastAt time.Time
	Next   *parley.Countdown
}

func (s *Server) talksPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	ts, err := s.Talks.List(r.Context(), u)
	if err != nil {
		return "", nil, err
	}
	rows := make([]talksRow, 0, len(ts))
	for _, t := range ts {
		row := talksRow{View: t}
		if t.Mine != nil {
			sts, err := s.Talks.RoomStates(r.Context(), u, t.ID)
			if err != nil {
				return "", nil, err
			}
			for _, st := range sts {
				row.Unread += st.Unread
				if st.LastAt.After(row.LastAt) {
					row.LastAt = st.LastAt
				}
			}
			ds, err := s.Talks.Deadlines(r.Context(), u, t.ID)
			if err != nil {
				return "", nil, err
			}
			for i := range ds {
				if !ds[i].Passed {
					row.Next = &ds[i]
					break
				}
			}
		}
		rows = append(rows, row)
	}
	return "talks", &talksList{Rows: rows}, nil
}

// talksList is the data of the talks list.
type talksList struct {
	Rows []talksRow
}

// live follows every talks the user sees.
func (*talksList) live() *live { return &live{} }

// searchData is the data of the search page.
type searchData struct {
	*overview
	Q        string
	Messages []parley.Message
	Meetings []parley.Meeting
	Searched bool
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, u *parley.User) (string, any, error) {
	o, err := s.memberView(r, u)
	if err != nil {
		return "", nil, err
	}
	d := &searchData{overview: o, Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	d.Section = "search"
	if d.Q == "" {
		return "search", d, nil
	}
	d.Searched = true
	if d.Messages, err = s.Talks.Search(r.Context(), u, o.ID, d.Q, 0); err != nil {
		return "", nil, err
	}
	d.Meetings, err = s.Talks.SearchMeetings(r.Context(), u, o.ID, d.Q, 0)
	return "search", d, err
}
