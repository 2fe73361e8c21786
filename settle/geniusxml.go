package settle

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The Genius XML format (the ANAC competition format) is read as Genius
// 10.4 computes utilities; docs/settle.md lists the rules and the choices
// made where Genius would fail.

// xmlNode is one element of a parsed XML document.
type xmlNode struct {
	tag   string
	attrs []xml.Attr
	kids  []*xmlNode
	line  int
}

// XML size limits, so that a hostile file cannot exhaust memory or the
// stack.
const (
	maxXMLDepth    = 64
	maxXMLElements = 1 << 21
)

// isXML reports whether data looks like an XML document.
func isXML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '<'
}

// parseXML parses data into an element tree. Errors give the line and say
// what is wrong without the decoder's own wording.
func parseXML(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charsetReader
	var stack []*xmlNode
	var root *xmlNode
	count := 0
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("line %d: not well-formed XML", se.Line)
			}
			return nil, fmt.Errorf("line %d: not well-formed XML", line)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxXMLElements || len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("line %d: document too large or too deeply nested", line)
			}
			n := &xmlNode{tag: t.Name.Local, attrs: t.Attr, line: line}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no XML element")
	}
	return root, nil
}

// charsetReader accepts the single-byte encodings XML files commonly
// declare besides UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "windows-1252", "cp1252":
		data, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		for _, c := range data {
			b.WriteRune(rune(c))
		}
		return &b, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported", label)
}

// attr returns the attribute's value and whether it is present.
func (n *xmlNode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// desc names the element in errors: <tag index="3" name="price"> (line 12).
func (n *xmlNode) desc() string {
	var b strings.Builder
	b.WriteString("<" + n.tag)
	for _, k := range []string{"index", "name", "value"} {
		if v, ok := n.attr(k); ok {
			if utf8.RuneCountInString(v) > 40 {
				v = string([]rune(v)[:40]) + "…"
			}
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
	}
	fmt.Fprintf(&b, "> (line %d)", n.line)
	return b.String()
}

// child returns the first direct child with the tag.
func (n *xmlNode) child(tag string) *xmlNode {
	for _, k := range n.kids {
		if k.tag == tag {
			return k
		}
	}
	return nil
}

// javaDouble parses a number as Java's Double.valueOf does for the values
// found in Genius files: surrounding blanks ignored, an optional d/D/f/F
// suffix. NaN and infinities are refused.
func javaDouble(s string) (float64, bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	s = strings.TrimRight(s, "dDfF")
	if s == "" || strings.ContainsAny(s, "_xXpP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// javaInt parses an integer as Java's Integer.parseInt does.
func javaInt(s string) (int64, bool) {
	if s == "" || strings.Contains(s, "_") {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 32)
	return v, err == nil
}

// number reads a required numeric attribute.
func (n *xmlNode) number(name string) (float64, error) {
	s, ok := n.attr(name)
	if !ok {
		return 0, fmt.Errorf("%s: missing attribute %s", n.desc(), name)
	}
	f, ok := javaDouble(s)
	if !ok {
		return 0, fmt.Errorf("%s: %s %q is not a number", n.desc(), name, s)
	}
	return f, nil
}

// integer reads a required integer attribute.
func (n *xmlNode) integer(name string) (int64, error) {
	s, ok := n.attr(name)
	if !ok {
		return 0, fmt.Errorf("%s: missing attribute %s", n.desc(), name)
	}
	v, ok := javaInt(s)
	if !ok {
		return 0, fmt.Errorf("%s: %s %q is not an integer", n.desc(), name, s)
	}
	return v, nil
}

// geniusSpace finds the <utility_space> of a domain or profile file.
func geniusSpace(root *xmlNode) (*xmlNode, error) {
	switch root.tag {
	case "utility_space":
		return root, nil
	case "negotiation_template":
		if us := root.child("utility_space"); us != nil {
			return us, nil
		}
		return nil, fmt.Errorf("%s: no <utility_space>", root.desc())
	}
	return nil, fmt.Errorf("%s: not a Genius domain or profile (want <negotiation_template> or <utility_space>)", root.desc())
}

// readGeniusDomain reads a Genius domain: the issues under the root
// objective of the <utility_space>, child objectives first, then issues,
// as Genius builds its tree. A Genius profile embeds the same issues, so a
// profile file reads as its domain too.
func readGeniusDomain(root *xmlNode) (*Domain, error) {
	us, err := geniusSpace(root)
	if err != nil {
		return nil, err
	}
	obj := us.child("objective")
	if obj == nil {
		return nil, fmt.Errorf("%s: no root <objective>", us.desc())
	}
	d := &Domain{}
	d.Name, _ = obj.attr("name")
	var walk func(o *xmlNode, depth int) error
	walk = func(o *xmlNode, depth int) error {
		for _, k := range o.kids {
			if k.tag == "objective" {
				if err := walk(k, depth+1); err != nil {
					return err
				}
			}
		}
		for _, k := range o.kids {
			if k.tag != "issue" {
				continue
			}
			is, err := geniusIssue(k)
			if err != nil {
				return err
			}
			d.Issues = append(d.Issues, is)
		}
		return nil
	}
	if err := walk(obj, 0); err != nil {
		return nil, err
	}
	if len(d.Issues) == 0 {
		return nil, fmt.Errorf("%s: no issues", obj.desc())
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// geniusIssue reads one domain <issue>. Its kind comes from the type
// attribute; a missing or unknown type means discrete.
func geniusIssue(k *xmlNode) (Issue, error) {
	var is Issue
	name, ok := k.attr("name")
	if !ok || name == "" {
		return is, fmt.Errorf("%s: missing attribute name", k.desc())
	}
	is.Name = name
	idx, err := k.integer("index")
	if err != nil {
		return is, err
	}
	if idx < 1 {
		return is, fmt.Errorf("%s: index %d is not positive (0 is the root objective)", k.desc(), idx)
	}
	is.Number = int(idx)
	typ, _ := k.attr("type")
	switch strings.ToLower(typ) {
	case "integer":
		lo, err := k.integer("lowerbound")
		if err != nil {
			return is, err
		}
		hi, err := k.integer("upperbound")
		if err != nil {
			return is, err
		}
		if hi < lo {
			return is, fmt.Errorf("%s: upperbound %d below lowerbound %d", k.desc(), hi, lo)
		}
		is.Range = &Range{Low: lo, High: hi, Step: 1}
	case "real":
		rg := k.child("range")
		if rg == nil {
			return is, fmt.Errorf("%s: real issue without <range>", k.desc())
		}
		lo, err := rg.number("lowerbound")
		if err != nil {
			return is, err
		}
		hi, err := rg.number("upperbound")
		if err != nil {
			return is, err
		}
		if hi < lo {
			return is, fmt.Errorf("%s: upperbound %v below lowerbound %v", rg.desc(), hi, lo)
		}
		is.Real = &Real{Low: lo, High: hi}
	default:
		seen := map[string]bool{}
		for _, it := range k.kids {
			if it.tag != "item" {
				continue
			}
			v, ok := it.attr("value")
			if !ok {
				return is, fmt.Errorf("%s: missing attribute value", it.desc())
			}
			if seen[v] {
				return is, fmt.Errorf("%s: value %q repeated", it.desc(), v)
			}
			seen[v] = true
			is.Options = append(is.Options, v)
		}
		if len(is.Options) == 0 {
			return is, fmt.Errorf("%s: discrete issue without <item>s", k.desc())
		}
	}
	return is, nil
}

// issueByNumber returns the position of the issue with Genius index n, or
// -1.
func (d *Domain) issueByNumber(n int64) int {
	for i := range d.Issues {
		if int64(d.Issues[i].number(i)) == n {
			return i
		}
	}
	return -1
}
