package porting_test

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// root is the repository's root, from this package's directory.
const root = "../.."

// The documents whose Go blocks are checked, and the files each must take
// code from at least (so that removing a marker fails too).
var documents = map[string][]string{
	"README.md": {
		"neuro/example_game_test.go",
		"docs/porting/events_test.go",
	},
	"docs/porting-from-python.md": {
		"docs/porting/basic_test.go",
		"docs/porting/hooks_test.go",
		"docs/porting/direct_test.go",
		"docs/porting/stop_test.go",
		"docs/porting/traps_test.go",
	},
}

// marker precedes a Go block that is code of the named file:
// <!-- compiled: docs/porting/basic_test.go -->
var marker = regexp.MustCompile("(?m)^<!-- compiled: (\\S+) -->\n```go\n")

// TestDocsMatchCode checks that every top-level declaration of each marked
// Go block (its doc comment included; imports and func main aside) is in
// the file its marker names, word for word, and that the block is gofmt'd.
func TestDocsMatchCode(t *testing.T) {
	for doc, want := range documents {
		text, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, m := range marker.FindAllSubmatchIndex(text, -1) {
			file := string(text[m[2]:m[3]])
			body := text[m[1]:]
			end := bytes.Index(body, []byte("\n```\n"))
			if end < 0 {
				t.Errorf("%s: the block for %s does not end", doc, file)
				continue
			}
			seen = append(seen, file)
			checkBlock(t, doc, file, string(body[:end+1]))
		}
		for _, f := range want {
			if !slices.Contains(seen, f) {
				t.Errorf("%s has no block marked as code of %s", doc, f)
			}
		}
	}
}

func checkBlock(t *testing.T, doc, file, block string) {
	t.Helper()
	code, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Errorf("%s: %v", doc, err)
		return
	}
	src := block
	if !strings.HasPrefix(src, "package ") {
		src = "package p\n\n" + block
	}
	if formatted, err := format.Source([]byte(src)); err != nil || string(formatted) != src {
		t.Errorf("%s: the block for %s is not gofmt'd Go (%v):\n%s", doc, file, err, block)
		return
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		t.Errorf("%s: the block for %s: %v", doc, file, err)
		return
	}
	decls := 0
	for _, d := range f.Decls {
		var start token.Pos
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			start = d.Pos()
			if d.Doc != nil {
				start = d.Doc.Pos()
			}
		case *ast.FuncDecl:
			if d.Name.Name == "main" && d.Recv == nil {
				continue
			}
			start = d.Pos()
			if d.Doc != nil {
				start = d.Doc.Pos()
			}
		}
		decls++
		text := src[fset.Position(start).Offset:fset.Position(d.End()).Offset]
		if !bytes.Contains(code, []byte(text)) {
			t.Errorf("%s: this declaration is not in %s as it is:\n%s", doc, file, text)
		}
	}
	if decls == 0 {
		t.Errorf("%s: the block for %s declares nothing to check", doc, file)
	}
}

// link matches a markdown link's target.
var link = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocLinks checks the relative links of the README and of the porting
// guide: the file exists, and so does the heading an anchor names.
func TestDocLinks(t *testing.T) {
	for doc := range documents {
		text, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(prose(string(text)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			file := filepath.Join(root, filepath.Dir(doc), path)
			if path == "" {
				file = filepath.Join(root, doc)
			}
			info, err := os.Stat(file)
			if err != nil {
				t.Errorf("%s: link %s: %v", doc, target, err)
				continue
			}
			if anchor == "" {
				continue
			}
			if info.IsDir() {
				t.Errorf("%s: link %s: an anchor in a directory", doc, target)
				continue
			}
			linked, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(anchors(string(linked)), anchor) {
				t.Errorf("%s: link %s: no heading %q in %s", doc, target, anchor, path)
			}
		}
	}
}

// inlineCode matches a code span.
var inlineCode = regexp.MustCompile("`[^`\n]*`")

// prose returns md without its code blocks and code spans, where link-like
// text is code.
func prose(md string) string {
	var b strings.Builder
	inCode := false
	for line := range strings.Lines(md) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inCode = !inCode
			continue
		}
		if !inCode {
			b.WriteString(inlineCode.ReplaceAllString(line, ""))
		}
	}
	return b.String()
}

// anchors returns the anchors GitHub makes of a markdown file's headings.
func anchors(md string) []string {
	var out []string
	inCode := false
	for line := range strings.Lines(md) {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		if inCode || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// TestNoLinkOutsideTheRepository checks that no document or Go file points
// at the design notes kept outside the repository.
func TestNoLinkOutsideTheRepository(t *testing.T) {
	outside := []byte(".." + "/shared")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".go")) {
			return nil
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(text, outside) {
			t.Errorf("%s refers to %s", path, outside)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
