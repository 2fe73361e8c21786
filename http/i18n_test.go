package http

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
	"unicode"

	"parley/i18n"
)

// templateKeys walks every template and returns the catalog keys it asks
// for (string literals given to t) and, for each file, the text it shows
// without translation: letters in text outside tags or in the attributes
// people read (title, placeholder, aria-label, alt).
func templateKeys(t *testing.T) (keys map[string]bool, raw map[string][]string) {
	t.Helper()
	keys, raw = map[string]bool{}, map[string][]string{}
	funcs := map[string]any{}
	for k := range localeFuncs(i18n.Default()) {
		funcs[k] = fmt.Sprint
	}
	for _, k := range []string{"asset", "locales", "join", "joinInts", "args", "index", "len", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "print", "printf", "slice", "html", "urlquery", "js", "call"} {
		funcs[k] = fmt.Sprint
	}
	for k := range negotiationFuncs {
		funcs[k] = fmt.Sprint
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal("no templates", err)
	}
	for _, f := range files {
		src, _ := templateFS.ReadFile(f)
		trees, err := parse.Parse(f, string(src), "{{", "}}", funcs)
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		var walk func(n parse.Node)
		walk = func(n parse.Node) {
			switch n := n.(type) {
			case *parse.ListNode:
				if n != nil {
					for _, c := range n.Nodes {
						walk(c)
					}
				}
			case *parse.TextNode:
				text.Write(n.Text)
			case *parse.ActionNode:
				text.WriteString("\x00")
				walkPipe(n.Pipe, keys)
			case *parse.IfNode:
				walkPipe(n.Pipe, keys)
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walkPipe(n.Pipe, keys)
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walkPipe(n.Pipe, keys)
				walk(n.List)
				walk(n.ElseList)
			case *parse.TemplateNode:
				walkPipe(n.Pipe, keys)
			}
		}
		for _, tr := range trees {
			walk(tr.Root)
		}
		raw[f] = untranslated(text.String())
	}
	return keys, raw
}

// walkPipe collects the literal keys of t calls in a pipeline.
func walkPipe(p *parse.PipeNode, keys map[string]bool) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		for i, a := range c.Args {
			if id, ok := a.(*parse.IdentifierNode); ok && id.Ident == "t" && i+1 < len(c.Args) {
				if s, ok := c.Args[i+1].(*parse.StringNode); ok {
					keys[s.Text] = true
				}
			}
			if sub, ok := a.(*parse.PipeNode); ok {
				walkPipe(sub, keys)
			}
		}
	}
}

var humanAttr = regexp.MustCompile(`\b(title|placeholder|aria-label|alt)="([^"]*)"`)

// untranslated returns the pieces of template text that show letters
// without going through the catalog. Actions are \x00.
func untranslated(s string) []string {
	var out []string
	hasLetters := func(x string) bool {
		x = strings.ReplaceAll(x, "parley", "")
		x = regexp.MustCompile(`&[a-z]+;`).ReplaceAllString(x, "")
		for _, r := range x {
			if unicode.IsLetter(r) {
				return true
			}
		}
		return false
	}
	// Comments and the contents of <code> are not interface text.
	s = regexp.MustCompile(`(?s)<!--.*?-->|<code>[^<]*</code>`).ReplaceAllString(s, "")
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		if txt := s[:i]; hasLetters(txt) {
			out = append(out, strings.TrimSpace(txt))
		}
		if i == len(s) {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			j = len(s) - i - 1
		}
		tag := s[i : i+j+1]
		for _, m := range humanAttr.FindAllStringSubmatch(tag, -1) {
			if hasLetters(m[2]) {
				out = append(out, m[0])
			}
		}
		s = s[i+j+1:]
	}
	return out
}

// goKeys returns the catalog keys the Go code of the pages asks for.
func goKeys(t *testing.T) map[string]bool {
	keys := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`\.T\(("(?:[^"\\]|\\.)*")`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			k, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatal(err)
			}
			keys[k] = true
		}
	}
	for _, v := range labels {
		keys[v] = true
	}
	for _, a := range confirmActions {
		keys[a.Title], keys[a.What], keys[a.Button] = true, true, true
	}
	for _, m := range months {
		keys[m] = true
	}
	return keys
}

// TestNoUntranslatedText: every text of every template goes through the
// catalog, and every key the pages ask for has an Arabic and a Hebrew
// entry. PARLEY_I18N_KEYS=FILE writes the keys, one a line, for
// translators.
func TestNoUntranslatedText(t *testing.T) {
	keys, raw := templateKeys(t)
	for f, texts := range raw {
		for _, x := range texts {
			t.Errorf("%s: untranslated text %q", f, x)
		}
	}
	for k := range goKeys(t) {
		keys[k] = true
	}
	if len(keys) < 100 {
		t.Fatalf("only %d keys found: the walk is broken", len(keys))
	}
	all := make([]string, 0, len(keys))
	for k := range keys {
		all = append(all, k)
	}
	sort.Strings(all)
	if out := os.Getenv("PARLEY_I18N_KEYS"); out != "" {
		os.WriteFile(out, []byte(strings.Join(all, "\n")+"\n"), 0o644)
	}
	for _, code := range []string{"ar", "he"} {
		have := map[string]bool{}
		for _, k := range i18n.Keys(code) {
			have[k] = true
		}
		missing := 0
		for _, k := range all {
			if !have[k] {
				missing++
				if missing <= 20 {
					t.Errorf("%s: no translation of %q", code, k)
				}
			}
		}
		if missing > 20 {
			t.Errorf("%s: %d keys without translation in all", code, missing)
		}
		for k := range have {
			if !keys[k] {
				t.Errorf("%s: %q is translated but no page asks for it", code, k)
			}
		}
	}
}
