package ledger_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportedNamesDocumented requires a doc sentence on every exported
// name of the package.
func TestExportedNamesDocumented(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, "parley/ledger")
	if err != nil {
		t.Fatal(err)
	}
	if p.Doc == "" {
		t.Error("package ledger has no doc comment")
	}
	check := func(kind, name, text string) {
		if ast.IsExported(name) && strings.TrimSpace(text) == "" {
			t.Errorf("%s %s has no doc comment", kind, name)
		}
	}
	for _, f := range p.Funcs {
		check("func", f.Name, f.Doc)
	}
	for _, v := range append(p.Consts, p.Vars...) {
		for _, n := range v.Names {
			check("value", n, v.Doc)
		}
	}
	for _, typ := range p.Types {
		check("type", typ.Name, typ.Doc)
		for _, f := range append(typ.Funcs, typ.Methods...) {
			check("func", typ.Name+"."+f.Name, f.Doc)
		}
		for _, v := range append(typ.Consts, typ.Vars...) {
			for _, n := range v.Names {
				check("value", n, v.Doc)
			}
		}
	}
}
