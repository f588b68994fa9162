package strict

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type pair struct {
	A Field `yaml:"a"`
	B Field `yaml:"b"`
}

// decode reads src's body into pair, returning the keys seen in the order
// Fields handed them over, and the error.
func decode(t *testing.T, src string) ([]string, error) {
	t.Helper()
	d, body, err := Parse("f.yaml", "thing", []byte(src))
	if err != nil {
		return nil, err
	}
	var k pair
	var seen []string
	d.Fields(body, &k, func(f *Field) {
		s, _ := d.String(f.Entry)
		seen = append(seen, f.Path+"="+s)
	}, "x-")
	return seen, d.Err()
}

func TestFields(t *testing.T) {
	tests := []struct {
		name, src string
		seen      []string
		err       string
	}{
		{"file order", "b: 2\na: 1\n", []string{"b=2", "a=1"}, ""},
		{"unknown keys, known ones in tag order", "c: 1\na: 1\nd: 2\n", []string{"a=1"},
			"f.yaml:1:1: c: unknown key (known keys: a, b)\nf.yaml:3:1: d: unknown key (known keys: a, b)"},
		{"allowed prefix", "x-anchor: &v 3\na: *v\n", []string{"a=3"}, ""},
		{"not a mapping", "[1]\n", nil, "f.yaml:1:1: must be a mapping, got a list"},
		{"a second document", "a: 1\n---\nb: 2\n", nil, "f.yaml:3:1: a thing must be a single YAML document (found document 2)"},
		{"an alias with no anchor", "a: *nope\n", nil, "f.yaml:1:4: a: unknown alias *nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen, err := decode(t, tt.src)
			if diff := cmp.Diff(tt.seen, seen); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err {
				t.Errorf("error = %q, want %q", got, tt.err)
			}
		})
	}
}

// A merge list is searched in order, and keys written in the mapping win
// over every source — goccy's own merging lets the last source win.
func TestMappingMergeOrder(t *testing.T) {
	d, body, err := Parse("f.yaml", "thing", []byte("x-1: &one {a: 1, b: 1}\nx-2: &two {b: 2}\nm: {<<: [*two, *one]}\nn: {<<: [*two, *one], b: 3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	top, _ := d.Mapping(body)
	got := map[string]string{}
	for _, e := range top {
		inner, _ := d.Mapping(e)
		for _, f := range inner {
			s, _ := d.String(f)
			got[f.Path] = s
		}
	}
	want := map[string]string{"x-1.a": "1", "x-1.b": "1", "x-2.b": "2", "m.a": "1", "m.b": "2", "n.a": "1", "n.b": "3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A badly broken file reports its first MaxErrors problems, in file order.
func TestMaxErrors(t *testing.T) {
	var src strings.Builder
	for i := range MaxErrors + 5 {
		fmt.Fprintf(&src, "k%02d: 1\n", i)
	}
	_, err := decode(t, src.String())
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != MaxErrors {
		t.Fatalf("%d errors, want %d", len(lines), MaxErrors)
	}
	if !strings.HasPrefix(lines[0], "f.yaml:1:1: k00:") || !strings.HasPrefix(lines[MaxErrors-1], fmt.Sprintf("f.yaml:%d:1: k%02d:", MaxErrors, MaxErrors-1)) {
		t.Errorf("not the first errors in file order:\n%s", err)
	}
}

func TestScalarsKeepSourceText(t *testing.T) {
	d, body, err := Parse("f.yaml", "thing", []byte("a: 012345678901\nb: +12065557700\n"))
	if err != nil {
		t.Fatal(err)
	}
	var k pair
	var got []string
	d.Fields(body, &k, func(f *Field) {
		s, _ := d.String(f.Entry)
		got = append(got, s)
	})
	if diff := cmp.Diff([]string{"012345678901", "+12065557700"}, got); diff != "" {
		t.Error(diff)
	}
}

type doc struct {
	Name  string `json:"name"`
	Items []struct {
		ID int `json:"id"`
	} `json:"items"`
}

func TestJSON(t *testing.T) {
	tests := []struct{ name, src, err string }{
		{"ok, names in any case as encoding/json", `{"NAME": "a", "items": [{"id": 1}]}`, ""},
		{"unknown field, placed", "{\"name\": \"a\",\n \"items\": [{\"id\": 1, \"idd\": 2}]}", `d.json:2:22: not a doc file: json: unknown field "idd"`},
		{"syntax", "{\"name\": \"a\"\n \"items\": []}", `d.json:2:2: not a doc file: invalid character '"' after object key:value pair`},
		{"type", "{\"name\": 1}", `d.json:1:10: not a doc file: json: cannot unmarshal number into Go struct field doc.name of type string`},
		{"cut short", "{\"name\": \"a\"", `d.json:1:13: not a doc file: unexpected EOF`},
		{"trailing data", "{}\n\n[]", `d.json:3:1: not a doc file: unexpected data after the doc`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v doc
			_, err := JSON("d.json", "doc", []byte(tt.src), &v)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err {
				t.Errorf("error = %q, want %q", got, tt.err)
			}
		})
	}
	var v doc
	body, err := JSON("d.json", "doc", []byte("{\"name\": \"a\",\n \"items\": [{\"id\": 1}, {\"id\": 2}]}"), &v)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := At("d.json", body, "items[1].id", "id %d is wrong", 2).Error(), "d.json:2:30: items[1].id: id 2 is wrong"; got != want {
		t.Errorf("At = %q, want %q", got, want)
	}
}

func TestJoin(t *testing.T) {
	if Join(nil) != nil {
		t.Error("Join(nil) is not nil")
	}
	one := &FileError{File: "f", Line: 2, Column: 1, Message: "two\nlines"}
	if err := Join([]*FileError{one}); err != one || err.Error() != `f:2:1: two\nlines` {
		t.Errorf("Join of one = %v", err)
	}
	err := Join([]*FileError{one, {File: "f", Line: 1, Path: "p", Message: "first"}})
	if got, want := err.Error(), "f:1: p: first\n"+`f:2:1: two\nlines`; got != want {
		t.Errorf("Join = %q, want %q", got, want)
	}
}
