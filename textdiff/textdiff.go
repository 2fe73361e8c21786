// Package textdiff compares texts word by word and sequences element by
// element with Myers' O(ND) difference algorithm ("An O(ND) Difference
// Algorithm and Its Variations", 1986): the shortest edit script, that is
// a longest common subsequence. It works on any script: words are runs of
// letters, digits and combining marks (Arabic vowel signs and Hebrew points
// stay with their letters), and every other character stands alone.
package textdiff

import (
	"slices"
	"strings"
	"unicode"
)

// Kind says what an Op does.
type Kind string

// Op kinds.
const (
	Equal  Kind = "equal"
	Insert Kind = "insert"
	Delete Kind = "delete"
)

// Op is one step of a word-level difference: Text is kept (Equal), added
// (Insert) or removed (Delete). Concatenating the Equal and Delete texts
// gives the old text, the Equal and Insert texts the new one.
type Op struct {
	Kind Kind   `json:"op"`
	Text string `json:"text"`
}

// MaxEdits bounds the edit distance (in tokens) Words and Sequence search
// for; past it, the differing middle is reported as removed and added
// whole. It keeps the work and memory bounded (O(MaxEdits²)) for texts
// that have little in common.
const MaxEdits = 1000

// Tokens splits s into words, runs of white space and single other
// characters; concatenated, they give s back.
func Tokens(s string) []string {
	var out []string
	class := func(r rune) int {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			return 1
		case unicode.IsSpace(r):
			return 2
		}
		return 3
	}
	start, prev := 0, 0
	for i, r := range s {
		c := class(r)
		if i > start && (c != prev || c == 3) {
			out = append(out, s[start:i])
			start = i
		}
		prev = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// Words returns the word-level difference from a to b.
func Words(a, b string) []Op {
	ta, tb := Tokens(a), Tokens(b)
	var ops []Op
	var cur strings.Builder
	kind := Kind("")
	flush := func() {
		if cur.Len() > 0 {
			ops = append(ops, Op{kind, cur.String()})
			cur.Reset()
		}
	}
	for _, e := range Sequence(ta, tb) {
		if e.Kind != kind {
			flush()
			kind = e.Kind
		}
		if e.Kind == Insert {
			cur.WriteString(tb[e.B])
		} else {
			cur.WriteString(ta[e.A])
		}
	}
	flush()
	return regroup(ops)
}

// regroup orders each run of changes between two equal texts as one
// deletion followed by one insertion, which reads better than interleaved
// word-by-word changes. White space alone between two changes joins them.
func regroup(ops []Op) []Op {
	for i := 1; i+1 < len(ops); i++ {
		if ops[i].Kind == Equal && ops[i-1].Kind != Equal && ops[i+1].Kind != Equal && strings.TrimSpace(ops[i].Text) == "" {
			ops = slices.Insert(ops, i+1, Op{Insert, ops[i].Text})
			ops[i].Kind = Delete
			i++
		}
	}
	out := make([]Op, 0, len(ops))
	for i := 0; i < len(ops); {
		if ops[i].Kind == Equal {
			out = append(out, ops[i])
			i++
			continue
		}
		var del, ins strings.Builder
		for ; i < len(ops) && ops[i].Kind != Equal; i++ {
			if ops[i].Kind == Delete {
				del.WriteString(ops[i].Text)
			} else {
				ins.WriteString(ops[i].Text)
			}
		}
		if del.Len() > 0 {
			out = append(out, Op{Delete, del.String()})
		}
		if ins.Len() > 0 {
			out = append(out, Op{Insert, ins.String()})
		}
	}
	return out
}

// Edit is one step of an edit script between sequences a and b: keep a[A]
// (= b[B]), delete a[A], or insert b[B]. The index that does not apply is -1.
type Edit struct {
	Kind Kind
	A, B int
}

// Sequence returns a shortest edit script from a to b.
func Sequence[T comparable](a, b []T) []Edit {
	// Common prefix and suffix cost nothing and shrink the search.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]Edit, 0, len(a)+len(b))
	for i := range pre {
		out = append(out, Edit{Equal, i, i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	mid, ok := myers(ma, mb, MaxEdits)
	if !ok {
		mid = mid[:0]
		for i := range ma {
			mid = append(mid, Edit{Delete, i, -1})
		}
		for j := range mb {
			mid = append(mid, Edit{Insert, -1, j})
		}
	}
	for _, e := range mid {
		if e.A >= 0 {
			e.A += pre
		}
		if e.B >= 0 {
			e.B += pre
		}
		out = append(out, e)
	}
	for i := range suf {
		out = append(out, Edit{Equal, len(a) - suf + i, len(b) - suf + i})
	}
	return out
}

// Common returns the pairs (i, j) with a[i] == b[j] that a longest common
// subsequence of a and b keeps, in order.
func Common[T comparable](a, b []T) [][2]int {
	var out [][2]int
	for _, e := range Sequence(a, b) {
		if e.Kind == Equal {
			out = append(out, [2]int{e.A, e.B})
		}
	}
	return out
}

// myers finds a shortest edit script of at most maxD edits, reporting
// false when there is none.
func myers[T comparable](a, b []T, maxD int) ([]Edit, bool) {
	n, m := len(a), len(b)
	maxD = min(maxD, n+m)
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	// trace[d] is the furthest x on each diagonal k in [-d, d] after step d.
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				trace = append(trace, slices.Clone(v[off-d:off+d+1]))
				return backtrack(trace, n, m), true
			}
		}
		trace = append(trace, slices.Clone(v[off-d:off+d+1]))
	}
	return nil, false
}

// backtrack walks the trace from (n, m) back to (0, 0) and returns the
// edit script in order.
func backtrack(trace [][]int, n, m int) []Edit {
	x, y := n, m
	var rev []Edit
	for d := len(trace) - 1; d > 0; d-- {
		prev := trace[d-1]
		at := func(k int) int { return prev[k+d-1] }
		k := x - y
		pk := k - 1
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, Edit{Equal, x, y})
		}
		if x == px {
			rev = append(rev, Edit{Insert, -1, py})
		} else {
			rev = append(rev, Edit{Delete, px, -1})
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, Edit{Equal, x, y})
	}
	slices.Reverse(rev)
	return rev
}
