package textdiff

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lcsLen is the textbook dynamic-programming LCS length, the reference.
func lcsLen(a, b []byte) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// apply checks that script turns a into b and returns its number of edits.
func apply(t *testing.T, a, b []byte, script []Edit) int {
	t.Helper()
	var gotA, gotB []byte
	edits := 0
	for _, e := range script {
		switch e.Kind {
		case Equal:
			if a[e.A] != b[e.B] {
				t.Fatalf("equal edit on different elements %q %q", a[e.A], b[e.B])
			}
			gotA, gotB = append(gotA, a[e.A]), append(gotB, b[e.B])
		case Delete:
			gotA = append(gotA, a[e.A])
			edits++
		case Insert:
			gotB = append(gotB, b[e.B])
			edits++
		}
	}
	if string(gotA) != string(a) || string(gotB) != string(b) {
		t.Fatalf("script does not rebuild the inputs: %q %q from %q %q", gotA, gotB, a, b)
	}
	return edits
}

func TestSequenceIsShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a := make([]byte, r.IntN(30))
		b := make([]byte, r.IntN(30))
		for i := range a {
			a[i] = "abc"[r.IntN(3)]
		}
		for i := range b {
			b[i] = "abc"[r.IntN(3)]
		}
		got := apply(t, a, b, Sequence(a, b))
		if want := len(a) + len(b) - 2*lcsLen(a, b); got != want {
			t.Fatalf("%q → %q: %d edits, the shortest has %d", a, b, got, want)
		}
	}
}

func TestMaxEditsFallsBack(t *testing.T) {
	a, b := []byte("abcdefgh"), []byte("hgfedcba")
	if _, ok := myers(a, b, 3); ok {
		t.Fatal("found a script of 3 edits between reversed strings")
	}
	script, ok := myers(a, b, 100)
	if !ok {
		t.Fatal("no script within 100 edits")
	}
	apply(t, a, b, script)
	// Past the bound, Sequence still returns a correct (longer) script.
	long := strings.Repeat("ab", MaxEdits)
	other := strings.Repeat("cd", MaxEdits)
	apply(t, []byte(long), []byte(other), Sequence([]byte(long), []byte(other)))
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       []Op
	}{
		{"Latin", "Israel releases 30 prisoners per hostage.", "Israel releases 50 prisoners for each hostage.",
			[]Op{{Equal, "Israel releases "}, {Delete, "30"}, {Insert, "50"}, {Equal, " prisoners "}, {Delete, "per"}, {Insert, "for each"}, {Equal, " hostage."}}},
		{"Arabic", "وقف إطلاق النار لمدة ٤٢ يوما", "وقف إطلاق النار الدائم لمدة ٤٢ يوما",
			[]Op{{Equal, "وقف إطلاق النار "}, {Insert, "الدائم "}, {Equal, "لمدة ٤٢ يوما"}}},
		{"ArabicMarksStayWithLetters", "سَلام", "سُلام", []Op{{Delete, "سَلام"}, {Insert, "سُلام"}}},
		{"Hebrew", "שחרור חטופים בשלב הראשון", "שחרור כל החטופים בשלב הראשון",
			[]Op{{Equal, "שחרור "}, {Delete, "חטופים"}, {Insert, "כל החטופים"}, {Equal, " בשלב הראשון"}}},
		{"Same", "unchanged text", "unchanged text", []Op{{Equal, "unchanged text"}}},
		{"Empty", "", "new", []Op{{Insert, "new"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Words(tc.a, tc.b)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("Words (-want +got):\n%s", diff)
			}
			var old, neu strings.Builder
			for _, op := range got {
				if op.Kind != Insert {
					old.WriteString(op.Text)
				}
				if op.Kind != Delete {
					neu.WriteString(op.Text)
				}
			}
			if old.String() != tc.a || neu.String() != tc.b {
				t.Fatalf("ops rebuild %q and %q", old.String(), neu.String())
			}
		})
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("Phase 1: 33 hostages,  42 days.")
	want := []string{"Phase", " ", "1", ":", " ", "33", " ", "hostages", ",", "  ", "42", " ", "days", "."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Tokens (-want +got):\n%s", diff)
	}
}

func TestCommon(t *testing.T) {
	got := Common([]string{"a", "b", "c", "d"}, []string{"a", "c", "d", "b"})
	want := [][2]int{{0, 0}, {2, 1}, {3, 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Common (-want +got):\n%s", diff)
	}
}

func FuzzWords(f *testing.F) {
	f.Add("a b c", "a c b")
	f.Add("שלום עולם", "שלום")
	f.Fuzz(func(t *testing.T, a, b string) {
		var old, neu strings.Builder
		for _, op := range Words(a, b) {
			if op.Kind != Insert {
				old.WriteString(op.Text)
			}
			if op.Kind != Delete {
				neu.WriteString(op.Text)
			}
		}
		if old.String() != a || neu.String() != b {
			t.Fatalf("ops rebuild %q and %q from %q and %q", old.String(), neu.String(), a, b)
		}
	})
}

// BenchmarkWordsUnrelated diffs two clause bodies of the largest size
// allowed that have nothing in common: the search stops at MaxEdits.
func BenchmarkWordsUnrelated(b *testing.B) {
	x := strings.Repeat("alpha beta ", 16<<10/11)
	y := strings.Repeat("gamma delta ", 16<<10/12)
	for b.Loop() {
		Words(x, y)
	}
}

// BenchmarkWordsEdited diffs a largest clause body against itself with a
// few words changed, the usual case.
func BenchmarkWordsEdited(b *testing.B) {
	x := strings.Repeat("the parties release thirty three hostages in the first phase ", 16<<10/62)
	y := strings.Replace(strings.Replace(x, "thirty", "fifty", 3), "first", "second", 2)
	for b.Loop() {
		Words(x, y)
	}
}
