package quiz

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong with a catalogue. Line is 0 when it is not known (a catalogue built
// in Go rather than parsed from YAML).
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// CatalogueError lists every problem found, so an editor fixes a file in one pass.
type CatalogueError struct {
	Problems []Problem
}

func (e *CatalogueError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	noun := "problems"
	if len(parts) == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("invalid catalogue (%d %s):\n%s", len(parts), noun, strings.Join(parts, "\n"))
}

// ParseCatalogue decodes and validates a catalogue. Unknown fields are rejected so a misspelt key
// (e.g. "strenght") cannot silently drop data. On failure the error is a *CatalogueError.
func ParseCatalogue(data []byte) (*Catalogue, error) {
	var cat Catalogue
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cat); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &CatalogueError{Problems: []Problem{{Message: "the catalogue is empty"}}}
		}
		return nil, &CatalogueError{Problems: yamlProblems(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &CatalogueError{Problems: []Problem{{Line: extra.Line, Message: "only one YAML document is allowed"}}}
	}

	// Validation wants lines for paths; the node tree is the only place yaml.v3 keeps them.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &CatalogueError{Problems: yamlProblems(err)}
	}
	if problems := cat.validate(newLineIndex(&root)); len(problems) > 0 {
		return nil, &CatalogueError{Problems: problems}
	}
	return &cat, nil
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblems turns yaml.v3's errors ("line 12: field foo not found in type ...") into problems.
func yamlProblems(err error) []Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	problems := make([]Problem, 0, len(msgs))
	for _, m := range msgs {
		p := Problem{Message: strings.TrimPrefix(m, "yaml: ")}
		if sub := yamlLineRE.FindStringSubmatch(m); sub != nil {
			p.Line, _ = strconv.Atoi(sub[1])
			p.Message = sub[2]
		}
		problems = append(problems, p)
	}
	return problems
}

// lineIndex maps paths such as "indicators[3].strength" to the line they start on.
type lineIndex map[string]int

func newLineIndex(root *yaml.Node) lineIndex {
	idx := lineIndex{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				idx[p] = n.Content[i].Line
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				idx[p] = c.Line
				walk(c, p)
			}
		case yaml.AliasNode:
			if n.Alias != nil {
				walk(n.Alias, path)
			}
		}
	}
	walk(root, "")
	return idx
}

// line finds the line of path, or of its nearest ancestor that has one.
func (l lineIndex) line(path string) int {
	for path != "" {
		if n, ok := l[path]; ok {
			return n
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut < 0 {
			return 0
		}
		path = path[:cut]
	}
	return 0
}
