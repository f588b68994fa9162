package strict

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// MaxErrors bounds the report on badly broken files, where later errors
// are mostly consequences of earlier ones.
const MaxErrors = 20

// Pos is a 1-based line and column in a file.
type Pos struct{ Line, Column int }

// Decoder walks one parsed YAML document, collecting errors (up to
// MaxErrors) and the positions of the values its user records.
type Decoder struct {
	file string
	// dec resolves aliases and merge keys; it knows the file's anchors.
	dec *yaml.Decoder
	// anchors holds the last node of each anchor name, as the decoder
	// resolves aliases; mergeOrder uses it to follow merge keys.
	anchors map[string]ast.Node
	errs    []*FileError
	pos     map[string]Pos
}

// Entry is one value of the document with where to report it: a mapping's
// key and value, a list's item (whose Key is the item itself), or the
// document's body (Path "").
type Entry struct {
	Key  string
	Node ast.Node // the key's node: where errors about the entry point
	Val  ast.Node // the value, aliases resolved, anchors and tags skipped
	Path string   // e.g. "overrides[0].contacts.SECURITY"
}

// Field is a key of a mapping decoded by Fields; Set tells whether the
// file has it.
type Field struct {
	Entry
	Set bool
}

// Parse parses data, named name, as a single YAML (or JSON) document, a
// what ("policy"), and returns a Decoder for it and the document (Val nil
// when it is empty). A syntax error, an alias with no anchor and a second
// document are a *FileError.
func Parse(name, what string, data []byte) (*Decoder, Entry, error) {
	d := &Decoder{file: name, dec: yaml.NewDecoder(bytes.NewReader(nil))}
	file, err := parseYAML(data)
	if err != nil {
		return nil, Entry{}, d.yamlError(err, nil)
	}
	var body ast.Node
	for i, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			line, col := nodePos(doc.Body)
			return nil, Entry{}, &FileError{File: name, Line: line, Column: col,
				Message: fmt.Sprintf("a %s must be a single YAML document (found document %d)", what, i+1)}
		}
		body = untag(doc.Body)
	}
	// Decoding the whole body once registers every anchor with the decoder
	// (and reports an alias with no anchor), so that Mapping and List can
	// let the decoder resolve aliases and merge keys mapping by mapping.
	if body != nil {
		d.anchors = map[string]ast.Node{}
		for _, a := range ast.Filter(ast.AnchorType, body) {
			a := a.(*ast.AnchorNode)
			if a.Name != nil {
				d.anchors[a.Name.GetToken().Value] = a.Value
			}
		}
		var all any
		if err := d.dec.DecodeFromNode(body, &all); err != nil {
			return nil, Entry{}, d.yamlError(err, body)
		}
	}
	return d, Entry{Node: body, Val: body}, nil
}

// parseYAML guards against parser panics: a CLI must report a malformed
// file, not crash on it.
func parseYAML(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("cannot parse the file as YAML or JSON (%v)", r)
		}
	}()
	return parser.ParseBytes(data, 0)
}

// Err returns the errors so far in file order (the walk follows the
// schema, not the file), as Join does.
func (d *Decoder) Err() error { return Join(d.errs) }

// Count is the number of errors so far.
func (d *Decoder) Count() int { return len(d.errs) }

// ErrorAt reports a problem at node n, for the field at path.
func (d *Decoder) ErrorAt(n ast.Node, path, format string, args ...any) {
	if len(d.errs) >= MaxErrors {
		return
	}
	line, col := nodePos(n)
	d.errs = append(d.errs, &FileError{File: d.file, Line: line, Column: col, Path: path, Message: fmt.Sprintf(format, args...)})
}

// Errorf reports a problem with e, at its key.
func (d *Decoder) Errorf(e Entry, format string, args ...any) {
	d.ErrorAt(e.Node, e.Path, format, args...)
}

// Record notes that the value at path (the user's own naming, e.g. with
// canonical spellings) is declared at n.
func (d *Decoder) Record(path string, n ast.Node) {
	line, col := nodePos(n)
	if line <= 0 {
		return
	}
	if d.pos == nil {
		d.pos = map[string]Pos{}
	}
	d.pos[path] = Pos{Line: line, Column: col}
}

// Positions returns what Record noted.
func (d *Decoder) Positions() map[string]Pos { return d.pos }

// yamlError turns the parser's or decoder's error into a FileError at the
// token it names. An alias without an anchor is named by its path in body.
func (d *Decoder) yamlError(err error, body ast.Node) *FileError {
	fe := &FileError{File: d.file, Message: err.Error()}
	var yerr yaml.Error
	if !errors.As(err, &yerr) {
		return fe
	}
	fe.Message = yerr.GetMessage()
	tk := yerr.GetToken()
	if tk == nil || tk.Position == nil {
		return fe
	}
	fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
	if body != nil {
		for _, n := range ast.Filter(ast.AliasType, body) {
			if a := n.(*ast.AliasNode); a.GetToken() == tk || a.Value.GetToken() == tk {
				fe.Line, fe.Column = nodePos(a)
				fe.Path = strings.TrimPrefix(strings.TrimPrefix(a.GetPath(), "$"), ".")
				fe.Message = "unknown alias *" + a.Value.GetToken().Value
			}
		}
	}
	return fe
}

// Fields decodes the mapping e into *dst, a struct of Field values whose
// yaml tags name the mapping's keys, in the order the unknown-key message
// lists them, and calls each with every key the file has, in file order
// (so that the first MaxErrors errors are the first in the file). A key no
// field names is an error unless it starts with one of allow (free keys,
// such as x- keys holding YAML anchors). ok is false when e is not a
// mapping (null is an empty one); unknown counts the keys refused.
func (d *Decoder) Fields(e Entry, dst any, each func(f *Field), allow ...string) (ok bool, unknown int) {
	entries, ok := d.Mapping(e)
	if !ok {
		return false, 0
	}
	v := reflect.ValueOf(dst).Elem()
	names := make([]string, v.NumField())
	for i := range names {
		names[i], _, _ = strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
	}
	for _, f := range entries {
		i := slices.Index(names, f.Key)
		switch {
		case i >= 0:
			field := v.Field(i).Addr().Interface().(*Field)
			*field = Field{Entry: f, Set: true}
			each(field)
		case !slices.ContainsFunc(allow, func(p string) bool { return strings.HasPrefix(f.Key, p) }):
			d.Errorf(f, "unknown key (known keys: %s)", strings.Join(names, ", "))
			unknown++
		}
	}
	return true, unknown
}

// keyNode is a mapping key as written. Decoding into map[keyNode]ast.Node
// lets goccy's decoder expand merge keys and resolve aliases while every key
// keeps its node, so errors and positions point at keys, also those merged
// in from an anchor.
type keyNode struct{ n ast.Node }

func (k *keyNode) UnmarshalYAML(n ast.Node) error {
	k.n = n
	return nil
}

// Mapping returns the entries of the mapping e in file order; a null value
// (an empty section such as "contacts:") yields no entries and no error.
// Of several keys of one name, the one YAML's merge key specification
// picks is kept: keys written in the mapping itself, then each merge
// source in merge-list order.
func (d *Decoder) Mapping(e Entry) ([]Entry, bool) {
	n := untag(e.Val)
	switch n.(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		d.Errorf(e, "must be a mapping, got %s", Describe(n))
		return nil, false
	}
	var m map[keyNode]ast.Node
	if err := d.dec.DecodeFromNode(n, &m); err != nil {
		fe := d.yamlError(err, nil)
		fe.Path = e.Path
		d.errs = append(d.errs, fe)
		return nil, false
	}
	rank := map[ast.Node]int{}
	d.mergeOrder(n, rank, map[ast.Node]bool{})
	var out []Entry
	for k, v := range m {
		key, ok := Scalar(untag(k.n))
		if !ok {
			d.ErrorAt(k.n, e.Path, "keys must be strings")
			continue
		}
		out = append(out, Entry{Key: key, Node: k.n, Val: untag(v), Path: Child(e.Path, key)})
	}
	// File order, which only orders error reports.
	slices.SortFunc(out, func(a, b Entry) int {
		al, ac := nodePos(a.Node)
		bl, bc := nodePos(b.Node)
		return cmp.Or(cmp.Compare(al, bl), cmp.Compare(ac, bc))
	})
	rankOf := func(e Entry) int {
		if r, ok := rank[e.Node]; ok {
			return r
		}
		return math.MaxInt
	}
	win := map[string]int{}
	for i, e := range out {
		if j, seen := win[e.Key]; !seen || rankOf(e) < rankOf(out[j]) {
			win[e.Key] = i
		}
	}
	kept := out[:0]
	for i, e := range out {
		if win[e.Key] == i {
			kept = append(kept, e)
		}
	}
	return kept, true
}

// mergeOrder numbers the keys of mapping n in YAML's lookup order: the
// keys written in n, then those of each merge source in merge-list order,
// depth first. A key numbered lower wins over another of the same name.
// goccy's own merging lets the last source win, which the specification
// does not.
func (d *Decoder) mergeOrder(n ast.Node, rank map[ast.Node]int, seen map[ast.Node]bool) {
	n = d.deref(n)
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	var values []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	default:
		return
	}
	var sources []ast.Node
	for _, mv := range values {
		if mv.Key == nil {
			continue
		}
		if mv.Key.IsMergeKey() {
			src := d.deref(mv.Value)
			if seq, ok := src.(*ast.SequenceNode); ok {
				sources = append(sources, seq.Values...)
			} else {
				sources = append(sources, src)
			}
			continue
		}
		if _, ok := rank[mv.Key]; !ok {
			rank[mv.Key] = len(rank)
		}
	}
	for _, src := range sources {
		d.mergeOrder(src, rank, seen)
	}
}

// deref skips anchors and tags and resolves an alias as the decoder does,
// to the last anchor of that name.
func (d *Decoder) deref(n ast.Node) ast.Node {
	for range 16 {
		n = untag(n)
		a, ok := n.(*ast.AliasNode)
		if !ok || a.Value == nil {
			return n
		}
		n = d.anchors[a.Value.GetToken().Value]
	}
	return nil
}

// List returns the items of the list e, aliases resolved by the decoder;
// null means empty. Each item is an Entry at the item itself, path
// "PATH[i]".
func (d *Decoder) List(e Entry) ([]Entry, bool) {
	switch n := untag(e.Val).(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.SequenceNode:
		var items []ast.Node
		if err := d.dec.DecodeFromNode(n, &items); err != nil {
			fe := d.yamlError(err, nil)
			fe.Path = e.Path
			d.errs = append(d.errs, fe)
			return nil, false
		}
		out := make([]Entry, len(items))
		for i, it := range items {
			it = untag(it)
			out[i] = Entry{Node: it, Val: it, Path: fmt.Sprintf("%s[%d]", e.Path, i)}
		}
		return out, true
	}
	d.Errorf(e, "must be a list, got %s", Describe(e.Val))
	return nil, false
}

// String reads a string value: a scalar's source text.
func (d *Decoder) String(e Entry) (string, bool) {
	if IsNull(e.Val) {
		d.Errorf(e, "value is missing")
		return "", false
	}
	s, ok := Scalar(e.Val)
	if !ok {
		d.Errorf(e, "must be a string, got %s", Describe(e.Val))
		return "", false
	}
	return s, true
}

// Strings calls each with every item of the list e that is a string,
// trimmed.
func (d *Decoder) Strings(e Entry, each func(s string, item Entry)) {
	items, _ := d.List(e)
	for _, it := range items {
		if s, ok := d.String(it); ok {
			each(strings.TrimSpace(s), it)
		}
	}
}

// NodePos returns where a node starts in the source. Block mappings report
// their first key rather than the ':' token goccy anchors them on.
func NodePos(n ast.Node) Pos {
	l, c := nodePos(n)
	return Pos{Line: l, Column: c}
}

func nodePos(n ast.Node) (int, int) {
	switch v := n.(type) {
	case nil:
		return 0, 0
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 {
			return nodePos(v.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return nodePos(v.Key)
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 0, 0
	}
	return tk.Position.Line, tk.Position.Column
}

// untag skips anchors and tags to the node that carries the value.
func untag(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

// IsNull reports whether n is YAML's null, or nothing.
func IsNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return ok || n == nil
}

// Scalar returns a scalar's source text (for strings, the unquoted and
// unescaped value). Using source text rather than the typed value is what
// keeps 012345678901 and +12065557700 intact.
func Scalar(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.NullNode:
		return "", false
	case ast.ScalarNode:
		if tk := v.GetToken(); tk != nil {
			return tk.Value, true
		}
	}
	return "", false
}

// Describe names what n is, for "must be X, got Y" messages.
func Describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case nil, *ast.NullNode:
		return "nothing"
	}
	if s, ok := Scalar(n); ok {
		return strconv.Quote(s)
	}
	return "a " + strings.ToLower(n.Type().String())
}

// Child appends a key to a field path, quoting keys that would make the
// path ambiguous or span lines.
func Child(path, key string) string {
	if key == "" || strings.ContainsFunc(key, func(r rune) bool {
		return !unicode.IsGraphic(r) || unicode.IsSpace(r) || strings.ContainsRune(`."[]`, r)
	}) {
		key = strconv.Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
