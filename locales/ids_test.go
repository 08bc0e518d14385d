package locales_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/locales"
)

// The message ids of the code are enumerated from the Go sources rather than declared as
// constants: a test reads every non-test Go file of the module and collects
//   - the ids written where a message is named: the first argument of Msg and Plural, the
//     ID of a Phrase literal without a Kind;
//   - every other string literal shaped like an id (two or more capitalised words), which
//     covers ids held in a variable or a table before they reach Msg ("id :=
//     "PrivacyMTOn"", weekday tables);
//   - ids built at run time, "PlanField" + an id, from flows.MessageFamilies, which lists
//     them from the same lists the code uses.
// Every such id must be in the source catalog, and every message of the source catalog
// must be one of them or appear as a string literal somewhere in the code.

const flowsPath = "github.com/lotse-bot/lotse/flows"

// idShape is what a message id looks like: "StaffPlanSetDropped", "CommandFAQ".
var idShape = regexp.MustCompile(`^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$`)

// codeIDs is what the sources say about message ids.
type codeIDs struct {
	literals map[string]bool     // every string literal of the code
	named    map[string][]string // id → where the code names it as a message
	prefixes map[string][]string // "PlanField" of "PlanField" + x in a message position → where
	suffixes map[string][]string // "Label" of x + "Label" in a message position → where
}

func newCodeIDs() *codeIDs {
	return &codeIDs{literals: map[string]bool{}, named: map[string][]string{}, prefixes: map[string][]string{}, suffixes: map[string][]string{}}
}

// moduleRoot is the folder holding go.mod, above the test's working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// scanModule reads every non-test Go file of the module at root.
func scanModule(t *testing.T, root string) *codeIDs {
	t.Helper()
	ids := newCodeIDs()
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ids.scan(fset, file, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// scan adds what file says about message ids. Only package flows and files importing it
// can name messages; the literals of every file count as uses.
func (ids *codeIDs) scan(fset *token.FileSet, file *ast.File, name string) {
	phrases := file.Name.Name == "flows"
	for _, imp := range file.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == flowsPath {
			phrases = true
		}
	}
	where := func(n ast.Node) string {
		p := fset.Position(n.Pos())
		return name + ":" + strconv.Itoa(p.Line)
	}
	// Literals that are not ids although shaped like one: template value names, which are
	// keys of a map literal or the later arguments of Msg.
	notIDs := map[*ast.BasicLit]bool{}
	// Composite literals without a type inside a []Phrase or map[…]Phrase are Phrases.
	elided := map[*ast.CompositeLit]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				return true
			}
			ids.literals[s] = true
			if phrases && !notIDs[n] && idShape.MatchString(s) {
				ids.named[s] = append(ids.named[s], where(n))
			}
		case *ast.CallExpr:
			if !phrases || !isFlowsName(n.Fun, "Msg", "Plural") || len(n.Args) == 0 {
				return true
			}
			ids.message(n.Args[0], where(n))
			for _, a := range n.Args[1:] {
				if lit, ok := a.(*ast.BasicLit); ok {
					notIDs[lit] = true
				}
			}
		case *ast.CompositeLit:
			if !phrases {
				return true
			}
			if isPhraseContainer(n.Type) {
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						e = kv.Value
					}
					if c, ok := e.(*ast.CompositeLit); ok && c.Type == nil {
						elided[c] = true
					}
				}
			}
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if lit, ok := kv.Key.(*ast.BasicLit); ok {
						notIDs[lit] = true
					}
				}
			}
			if !elided[n] && !isFlowsName(n.Type, "Phrase") {
				return true
			}
			var id ast.Expr
			for _, e := range n.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				switch key, _ := kv.Key.(*ast.Ident); {
				case key == nil:
				case key.Name == "Kind":
					return true // FAQ or configuration content: its ID is no message
				case key.Name == "ID":
					id = kv.Value
				}
			}
			if id != nil {
				ids.message(id, where(n))
			}
		}
		return true
	})
}

// message records expression e, written where a message is named.
func (ids *codeIDs) message(e ast.Expr, where string) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if s, err := strconv.Unquote(e.Value); err == nil {
			ids.named[s] = append(ids.named[s], where)
		}
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return
		}
		if lit, ok := e.X.(*ast.BasicLit); ok {
			s, _ := strconv.Unquote(lit.Value)
			ids.prefixes[s] = append(ids.prefixes[s], where)
		}
		if lit, ok := e.Y.(*ast.BasicLit); ok {
			s, _ := strconv.Unquote(lit.Value)
			ids.suffixes[s] = append(ids.suffixes[s], where)
		}
	}
	// Any other expression holds an id from a variable, table or parameter: the literal it
	// came from is shaped like an id and recorded as such.
}

// isFlowsName says whether e names one of names in package flows: Msg inside flows,
// flows.Msg outside.
func isFlowsName(e ast.Expr, names ...string) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return slices.Contains(names, e.Name)
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "flows" && slices.Contains(names, e.Sel.Name)
	}
	return false
}

func isPhraseContainer(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.ArrayType:
		return isFlowsName(e.Elt, "Phrase")
	case *ast.MapType:
		return isFlowsName(e.Value, "Phrase")
	}
	return false
}

// problems compares the code's ids with the source catalog's and the families.
func (ids *codeIDs) problems(source map[string]bool, families []flows.MessageFamily) []string {
	var out []string
	built := map[string]bool{}
	prefixes, suffixes := map[string]bool{}, map[string]bool{}
	for _, f := range families {
		prefixes[f.Prefix], suffixes[f.Suffix] = true, true
		for _, id := range f.IDs {
			built[id] = true
			if !strings.HasPrefix(id, f.Prefix) || !strings.HasSuffix(id, f.Suffix) {
				out = append(out, "family "+f.Prefix+"…"+f.Suffix+" lists "+id)
			}
			if !source[id] {
				out = append(out, "message "+id+", built at run time, is not in the source catalog")
			}
		}
	}
	for id, where := range ids.named {
		if !source[id] && !prefixes[id] {
			out = append(out, "message "+id+" ("+strings.Join(where, ", ")+") is not in the source catalog")
		}
	}
	for p, where := range ids.prefixes {
		if !prefixes[p] {
			out = append(out, "id "+p+" + … ("+strings.Join(where, ", ")+") is no family in flows.MessageFamilies")
		}
	}
	for s, where := range ids.suffixes {
		if !suffixes[s] {
			out = append(out, "id … + "+s+" ("+strings.Join(where, ", ")+") is no family in flows.MessageFamilies")
		}
	}
	for id := range source {
		if !ids.literals[id] && !built[id] {
			out = append(out, "message "+id+" of the source catalog is used by no code")
		}
	}
	slices.Sort(out)
	return out
}

func sourceIDs(t *testing.T) map[string]bool {
	t.Helper()
	msgs, err := locales.Messages(locales.FS, locales.Source)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for id := range msgs {
		ids[id] = true
	}
	return ids
}

// TestCodeAndCatalogAgree proves that every message id the code can produce is in the
// source catalog, and that every message of the source catalog is used by the code.
func TestCodeAndCatalogAgree(t *testing.T) {
	ids := scanModule(t, moduleRoot(t))
	if len(ids.named) < 100 {
		t.Fatalf("found only %d message ids in the code; is the scan still reading the sources?", len(ids.named))
	}
	for _, p := range ids.problems(sourceIDs(t), flows.MessageFamilies()) {
		t.Error(p)
	}
}

// TestIDScanFindsMistakes proves the scan above sees each kind of mistake.
func TestIDScanFindsMistakes(t *testing.T) {
	const src = `package flows

func example(c bool) []Phrase {
	id := "ThanksShort"
	if c {
		id = "ThanksLong"
	}
	return []Phrase{
		Msg(id, "Count", "1"),
		Msg("Welcom"),
		Plural("Welcome", 2),
		{ID: "Helo"},
		{ID: "Hello"},
		{ID: "some-question", Kind: PhraseQuestion},
		Msg("Colour" + x),
		Msg(y + "Caption"),
		{ID: "Map", Sub: map[string]Phrase{"TownName": Literal("x")}},
	}
}
`
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "example.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	ids := newCodeIDs()
	ids.scan(fset, file, "example.go")
	source := map[string]bool{"Welcome": true, "Hello": true, "Map": true, "ThanksShort": true, "Unused": true, "PlanFieldWork": true, "ColourRed": true}
	families := []flows.MessageFamily{{Prefix: "PlanField", IDs: []string{"PlanFieldWork", "PlanFieldSchool"}}, {Prefix: "Colour", IDs: []string{"ColourRed"}}}
	got := strings.Join(ids.problems(source, families), "\n")
	for _, want := range []string{
		"message ThanksLong (example.go:6) is not in the source catalog",
		"message Welcom (example.go:10) is not in the source catalog",
		"message Helo (example.go:12) is not in the source catalog",
		"message PlanFieldSchool, built at run time, is not in the source catalog",
		"id … + Caption (example.go:16) is no family in flows.MessageFamilies",
		"message Unused of the source catalog is used by no code",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems:\n%s\nlack %q", got, want)
		}
	}
	for _, wrong := range []string{"some-question", "TownName", "message Map", "message Hello ", "Colour +", "ThanksShort"} {
		if strings.Contains(got, wrong) {
			t.Errorf("problems:\n%s\nwrongly name %q", got, wrong)
		}
	}
}
