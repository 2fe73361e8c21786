package talks_test

import (
	"strings"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
	"parley/textdiff"
)

// draft is a first version of the text in three scripts.
var draft = talks.NewVersion{Reason: "first draft", Clauses: []talks.NewClause{
	{Title: "Ceasefire", Body: "A ceasefire of 42 days begins at 08:30 on the day after signature.\n\nBoth sides stop all military operations."},
	{Title: "الرهائن", Body: "يتم إطلاق سراح ٣٣ رهينة في المرحلة الأولى."},
	{Title: "שחרור אסירים", Body: "ישראל תשחרר 30 אסירים עבור כל חטוף."},
	{Title: "Aid", Body: "600 trucks of aid a day enter Gaza."},
}}

// revise records a new version as user, failing the test on error.
func revise(t *testing.T, e *fixture.Env, user string, nv talks.NewVersion) *talks.TextView {
	t.Helper()
	tv, err := e.Talks.ReviseText(ctx, e.U(user), e.TalksID, nv)
	if err != nil {
		t.Fatalf("%s revising the text: %v", user, err)
	}
	return tv
}

// edit returns the clauses of tv as NewClauses with their ids, to revise.
func edit(tv *talks.TextView) []talks.NewClause {
	var out []talks.NewClause
	for _, c := range tv.Clauses {
		out = append(out, talks.NewClause{ID: c.ID, Title: c.Title, Body: c.Body})
	}
	return out
}

// render writes word-level ops as [-deleted-]{+inserted+}.
func render(ops []textdiff.Op) string {
	var b strings.Builder
	for _, op := range ops {
		switch op.Kind {
		case textdiff.Equal:
			b.WriteString(op.Text)
		case textdiff.Delete:
			b.WriteString("[-" + op.Text + "-]")
		case textdiff.Insert:
			b.WriteString("{+" + op.Text + "+}")
		}
	}
	return b.String()
}

func TestTextVersions(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID

	t.Run("NoTextYet", func(t *testing.T) {
		_, err := e.Talks.Text(ctx, e.U("qatar"), id, 0)
		code(t, err, parley.ENOTFOUND)
	})
	t.Run("OnlyEngagedMediatorsWrite", func(t *testing.T) {
		_, err := e.Talks.ReviseText(ctx, e.U("israel"), id, draft)
		code(t, err, parley.EFORBIDDEN)
		for _, u := range []string{"observer", "operator", "outsider"} {
			_, err := e.Talks.ReviseText(ctx, e.U(u), id, draft)
			code(t, err, parley.ENOTFOUND)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		bad := []talks.NewVersion{
			{Reason: "", Clauses: draft.Clauses},
			{Reason: "r"},
			{Reason: "r", Clauses: []talks.NewClause{{Title: "", Body: "b"}}},
			{Reason: "r", Clauses: []talks.NewClause{{Title: "t", Body: " \n "}}},
			{Reason: "r", Clauses: []talks.NewClause{{ID: "c_unknown", Title: "t", Body: "b"}}},
			{Reason: "r", Clauses: []talks.NewClause{{Title: "t", Body: "nul \x00"}}},
		}
		for i, nv := range bad {
			if _, err := e.Talks.ReviseText(ctx, e.U("qatar"), id, nv); parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("case %d: %v, want invalid", i, err)
			}
		}
		big := talks.NewVersion{Reason: "r", Clauses: []talks.NewClause{{Title: "t", Body: strings.Repeat("x", parley.MaxClauseBytes+1)}}}
		_, err := e.Talks.ReviseText(ctx, e.U("qatar"), id, big)
		code(t, err, parley.ETOOLARGE)
	})

	v1 := revise(t, e, "qatar", draft)
	t.Run("FirstVersion", func(t *testing.T) {
		if v1.Version != 1 || v1.Latest != 1 || len(v1.Clauses) != 4 || v1.Status != talks.TextDraft || v1.Author != e.U("qatar").ID {
			t.Fatalf("v1: %+v", v1)
		}
		for i, c := range v1.Clauses {
			if c.Number != i+1 || !strings.HasPrefix(c.ID, "c_") || c.Since != 1 || c.Agreed {
				t.Errorf("clause %d: %+v", i, c)
			}
		}
		if v1.Clauses[1].Title != "الرهائن" || v1.Clauses[2].Body != "ישראל תשחרר 30 אסירים עבור כל חטוף." {
			t.Errorf("non-Latin text changed: %+v", v1.Clauses)
		}
		if !strings.Contains(v1.Clauses[0].Body, "\n\n") {
			t.Errorf("paragraphs lost: %q", v1.Clauses[0].Body)
		}
	})
	t.Run("NoChangeRefused", func(t *testing.T) {
		_, err := e.Talks.ReviseText(ctx, e.U("qatar"), id, talks.NewVersion{Reason: "again", Clauses: edit(v1)})
		code(t, err, parley.ECONFLICT)
	})

	// Version 2: clause 4 (aid) moves to the top, the Hebrew clause is
	// reworded, the Arabic clause is removed and a new clause added.
	cs := edit(v1)
	cs[2].Body = "ישראל תשחרר 50 אסירים עבור כל חטוף."
	nv := talks.NewVersion{Reason: "after the Cairo round\r\nsecond line", Clauses: []talks.NewClause{cs[3], cs[0], cs[2], {Title: "Rafah crossing", Body: "The Rafah crossing opens for the sick and wounded."}}}
	v2 := revise(t, e, "envoy", nv)
	t.Run("Revision", func(t *testing.T) {
		if v2.Version != 2 || v2.Reason != "after the Cairo round\nsecond line" || v2.AuthorName != "User envoy" {
			t.Fatalf("v2: %+v", v2)
		}
		if v2.Clauses[0].ID != v1.Clauses[3].ID || v2.Clauses[0].Number != 1 || v2.Clauses[0].Since != 1 || v2.Clauses[2].Since != 2 {
			t.Fatalf("v2 clauses: %+v", v2.Clauses)
		}
		// Versions are immutable: version 1 reads as it was.
		again, err := e.Talks.Text(ctx, e.U("hamas"), id, 1)
		if err != nil || len(again.Clauses) != 4 || again.Clauses[2].Body != draft.Clauses[2].Body || again.Latest != 2 {
			t.Fatalf("version 1 now: %+v, %v", again, err)
		}
		vs, err := e.Talks.TextVersions(ctx, e.U("israel"), id)
		if err != nil || len(vs) != 2 || vs[0].Reason != "first draft" || vs[1].Clauses != 4 {
			t.Fatalf("versions: %+v, %v", vs, err)
		}
		_, err = e.Talks.Text(ctx, e.U("israel"), id, 3)
		code(t, err, parley.ENOTFOUND)
	})
	t.Run("Diff", func(t *testing.T) {
		d, err := e.Talks.Diff(ctx, e.U("hamas"), id, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			change   string
			moved    bool
			from, to int
			body     string
		}
		want := []row{
			{"unchanged", true, 4, 1, "600 trucks of aid a day enter Gaza."},
			{"unchanged", false, 1, 2, draft.Clauses[0].Body},
			{"removed", false, 2, 0, "[-يتم إطلاق سراح ٣٣ رهينة في المرحلة الأولى.-]"},
			{"changed", false, 3, 3, "ישראל תשחרר [-30-]{+50+} אסירים עבור כל חטוף."},
			{"added", false, 0, 4, "{+The Rafah crossing opens for the sick and wounded.+}"},
		}
		if len(d.Clauses) != len(want) {
			t.Fatalf("diff has %d clauses: %+v", len(d.Clauses), d.Clauses)
		}
		for i, w := range want {
			c := d.Clauses[i]
			got := row{c.Change, c.Moved, c.FromNumber, c.ToNumber, render(c.Body)}
			if got != w {
				t.Errorf("clause %d: %+v, want %+v", i, got, w)
			}
		}
		// Defaults: to the current version from the one before it.
		def, err := e.Talks.Diff(ctx, e.U("qatar"), id, 0, 0)
		if err != nil || def.From != 1 || def.To != 2 {
			t.Fatalf("default diff %d→%d, %v", def.From, def.To, err)
		}
		_, err = e.Talks.Diff(ctx, e.U("qatar"), id, 1, 9)
		code(t, err, parley.ENOTFOUND)
	})
	t.Run("ReadRule", func(t *testing.T) {
		for _, u := range []string{"qatar", "envoy", "israel", "israel2", "hamas"} {
			if _, err := e.Talks.Text(ctx, e.U(u), id, 0); err != nil {
				t.Errorf("%s cannot read the text: %v", u, err)
			}
		}
		for _, u := range []string{"observer", "operator", "outsider"} {
			_, err := e.Talks.Text(ctx, e.U(u), id, 0)
			code(t, err, parley.ENOTFOUND)
			_, err = e.Talks.TextVersions(ctx, e.U(u), id)
			code(t, err, parley.ENOTFOUND)
			_, err = e.Talks.Diff(ctx, e.U(u), id, 1, 2)
			code(t, err, parley.ENOTFOUND)
		}
	})
	t.Run("SuspendedMediatorAndClosedTalks", func(t *testing.T) {
		if _, err := e.Talks.ChangePresence(ctx, e.U("qatar"), id, "qatar", talks.ActionSuspendMe, "pause"); err != nil {
			t.Fatal(err)
		}
		_, err := e.Talks.ReviseText(ctx, e.U("qatar"), id, talks.NewVersion{Reason: "r", Clauses: []talks.NewClause{{Title: "t", Body: "b"}}})
		code(t, err, parley.ECONFLICT)
		if _, err := e.Talks.SetStatus(ctx, e.U("envoy"), id, talks.ActionCollapse, "over"); err != nil {
			t.Fatal(err)
		}
		_, err = e.Talks.ReviseText(ctx, e.U("envoy"), id, talks.NewVersion{Reason: "r", Clauses: []talks.NewClause{{Title: "t", Body: "b"}}})
		code(t, err, parley.ECONFLICT)
	})
}
