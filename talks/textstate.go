package talks

import (
	"parley"
)

// textState is what the text's rules are computed from: every version,
// the positions recorded, the talks' parties and agreements.
type textState struct {
	versions  []parley.TextVersion
	positions []parley.Position
	parties   []parley.Delegation
	// agreed maps a version number to the agreement that declared it.
	agreed map[int]*parley.Agreement
}

// version returns version n, or the latest for n == 0.
func (ts *textState) version(n int) (*parley.TextVersion, error) {
	if len(ts.versions) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "the talks have no text yet")
	}
	if n == 0 {
		return &ts.versions[len(ts.versions)-1], nil
	}
	if n < 0 || n > len(ts.versions) {
		return nil, parley.Errorf(parley.ENOTFOUND, "version %d of the text not found", n)
	}
	return &ts.versions[n-1], nil
}

// latest returns the current version number, 0 for none.
func (ts *textState) latest() int { return len(ts.versions) }

// since returns, for each clause of version n, the earliest version from
// which its wording is the same in every version up to n: positions
// recorded before it were reset by a change.
func (ts *textState) since(n int) map[string]int {
	v := &ts.versions[n-1]
	out := make(map[string]int, len(v.Clauses))
	for i := range v.Clauses {
		c := &v.Clauses[i]
		s := n
		for w := n - 1; w >= 1; w-- {
			prev := ts.versions[w-1].Clause(c.ID)
			if prev == nil || !prev.Same(c) {
				break
			}
			s = w
		}
		out[c.ID] = s
	}
	return out
}

// applying returns the positions that apply to version n, by clause and
// delegation: for each, the one recorded on the latest version w ≤ n
// since which the clause's wording has not changed. A position recorded
// before a change of the clause does not apply (the change reset it);
// one recorded on an earlier version than n was carried over.
func (ts *textState) applying(n int) map[string]map[string]*parley.Position {
	since := ts.since(n)
	out := map[string]map[string]*parley.Position{}
	for i := range ts.positions {
		p := &ts.positions[i]
		s, ok := since[p.ClauseID]
		if !ok || p.Version < s || p.Version > n {
			continue
		}
		byDel := out[p.ClauseID]
		if byDel == nil {
			byDel = map[string]*parley.Position{}
			out[p.ClauseID] = byDel
		}
		if cur := byDel[p.Delegation]; cur == nil || p.Version > cur.Version || p.Version == cur.Version && p.EventSeq > cur.EventSeq {
			byDel[p.Delegation] = p
		}
	}
	return out
}

// clauseAgreed reports whether every party accepts the clause in the
// positions applying to a version. Talks without parties agree nothing.
func (ts *textState) clauseAgreed(byDel map[string]*parley.Position) bool {
	if len(ts.parties) == 0 {
		return false
	}
	for _, d := range ts.parties {
		if p := byDel[d.ID]; p == nil || p.Stance != parley.Accept {
			return false
		}
	}
	return true
}

// unagreed returns the numbers of the clauses of version n that not every
// party accepts.
func (ts *textState) unagreed(n int) []int {
	app := ts.applying(n)
	var out []int
	for _, c := range ts.versions[n-1].Clauses {
		if !ts.clauseAgreed(app[c.ID]) {
			out = append(out, c.Number)
		}
	}
	return out
}
