package textdoc

import (
	"strings"
	"testing"
)

func TestParseClaim(t *testing.T) {
	doc := "# T\n\nbody\n" + marker + "talks: t_1\nagreement: a_1\nversion: 3\nsha256: ab\ncheckpoint:\norigin\n5\nroot\n\n— sig\n-->\n"
	c, err := parseClaim([]byte(doc))
	if err != nil || c.talks != "t_1" || c.agreement != "a_1" || c.version != 3 || c.checkpoint != "origin\n5\nroot\n\n— sig\n" {
		t.Fatalf("claim %+v, %v", c, err)
	}
	for _, bad := range []string{
		"no comment at all",
		strings.Replace(doc, "version: 3", "version: three", 1),
		strings.Replace(doc, "checkpoint:\n", "", 1),
		strings.Replace(doc, "talks: t_1\n", "", 1),
		strings.Replace(doc, "sha256", "colour", 1),
		strings.TrimSuffix(doc, "-->\n"),
	} {
		if _, err := parseClaim([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzParseClaim(f *testing.F) {
	f.Add([]byte(marker + "talks: t\nagreement: a\nversion: 1\ncheckpoint:\nx\n-->\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		parseClaim(doc)
	})
}
