package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/altcontacts/altcontacts/internal/contact"
)

// Decode reads a plan file written by 'plan --out', named name, strictly:
// malformed JSON, unknown fields, data after the plan, another schema, and
// changes apply could not make (a bad account id, action or type, an
// invalid contact to write, an update without the contact it replaces) are
// each a *contact.FileError with the line and column of the problem. The
// summary is recounted from the changes.
func Decode(name string, data []byte) (*Plan, error) {
	var pl Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&pl); err != nil {
		return nil, syntaxError(name, data, dec.InputOffset(), err)
	}
	if dec.More() {
		off := int(dec.InputOffset())
		off += len(data[off:]) - len(bytes.TrimLeft(data[off:], " \t\r\n"))
		return nil, offsetError(name, data, off, "not a plan file: unexpected data after the plan")
	}
	// Valid JSON is YAML: its syntax tree gives every field's position.
	file, err := parser.ParseBytes(data, 0)
	if err != nil || len(file.Docs) != 1 {
		fe := &contact.FileError{File: name, Message: "not a plan file: it is JSON that the YAML parser refuses"}
		var yerr yaml.Error
		if errors.As(err, &yerr) && yerr.GetToken() != nil {
			fe.Message = "not a plan file: " + yerr.GetMessage()
			fe.Line, fe.Column = yerr.GetToken().Position.Line, yerr.GetToken().Position.Column
		}
		return nil, fe
	}
	body := file.Docs[0].Body
	if key := unknownField(reflect.TypeFor[Plan](), body); key != nil {
		return nil, nodeError(name, key, "", fmt.Sprintf("not a plan file: json: unknown field %q", key.GetToken().Value))
	}
	at := func(path, format string, args ...any) *contact.FileError {
		var n ast.Node
		if p, err := yaml.PathString("$." + path); err == nil {
			n, _ = p.FilterNode(body)
		}
		return nodeError(name, n, path, fmt.Sprintf(format, args...))
	}
	if pl.Schema != Schema {
		fe := at("schema", "schema %q is not %s; make the plan again with 'altcontacts plan --out'", pl.Schema, Schema)
		fe.Path = "" // the message names the field
		return nil, fe
	}
	for i, c := range pl.Changes {
		p := fmt.Sprintf("changes[%d]", i)
		if !contact.IsAccountID(c.AccountID) {
			return nil, at(p+".account_id", "%q is not a 12-digit account id", c.AccountID)
		}
		switch c.Action {
		case Create, Update:
		case Noop, Skip:
			continue
		default:
			return nil, at(p+".action", "%q is not one of %s, %s, %s, %s", c.Action, Create, Update, Noop, Skip)
		}
		t, err := contact.ParseType(string(c.Type))
		if err != nil {
			return nil, at(p+".type", "%v", err)
		}
		pl.Changes[i].Type = t // canonical: ParseType accepts any case
		if c.After == nil {
			return nil, at(p+".after", "a %s needs the contact to write", c.Action)
		}
		if err := c.After.Validate(); err != nil {
			var fe *contact.FieldError
			if errors.As(err, &fe) {
				return nil, at(p+".after."+fe.Field, "%s", fe.Message)
			}
			return nil, at(p+".after", "%v", err)
		}
		if c.Action == Update && c.Before == nil {
			return nil, at(p+".before", "an update needs the contact it replaces")
		}
	}
	pl.Summarize() // the file's summary is not trusted
	return &pl, nil
}

// syntaxError locates what encoding/json refused: a syntax or type error at
// its offset, a file cut short at its end.
func syntaxError(name string, data []byte, read int64, err error) error {
	off := int(read)
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = int(se.Offset) - 1 // the offset is past the offending byte
	case errors.As(err, &te):
		off = valueStart(data, int(te.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		off = len(bytes.TrimRight(data, " \t\r\n"))
	}
	return offsetError(name, data, off, "not a plan file: "+err.Error())
}

// valueStart backs up from end, just past a JSON scalar, to where the
// scalar starts.
func valueStart(data []byte, end int) int {
	end = min(max(end, 0), len(data))
	i := end - 1
	if i >= 0 && data[i] == '"' {
		for i--; i >= 0 && (data[i] != '"' || i > 0 && data[i-1] == '\\'); i-- {
		}
		return max(i, 0)
	}
	for i >= 0 && strings.IndexByte("+-.0123456789abcdefghijklmnopqrstuvwxyzE", data[i]) >= 0 {
		i--
	}
	return i + 1
}

// offsetError is a FileError at a byte offset of data.
func offsetError(name string, data []byte, off int, msg string) error {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := 1 + off - (bytes.LastIndexByte(data[:off], '\n') + 1)
	return &contact.FileError{File: name, Line: line, Column: col, Message: msg}
}

// nodeError is a FileError at a node of the plan's syntax tree.
func nodeError(name string, n ast.Node, path, msg string) *contact.FileError {
	fe := &contact.FileError{File: name, Path: path, Message: msg}
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
		}
	}
	return fe
}

// unknownField returns the first key, in file order, that the Go type t
// has no field for, matching names as encoding/json does (its own
// DisallowUnknownFields names the key but not where it is).
func unknownField(t reflect.Type, n ast.Node) ast.Node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := n.(type) {
	case *ast.MappingNode:
		if t.Kind() != reflect.Struct {
			return nil
		}
		for _, mv := range v.Values {
			f, ok := jsonField(t, mv.Key.GetToken().Value)
			if !ok {
				return mv.Key
			}
			if bad := unknownField(f.Type, mv.Value); bad != nil {
				return bad
			}
		}
	case *ast.SequenceNode:
		if t.Kind() != reflect.Slice {
			return nil
		}
		for _, item := range v.Values {
			if bad := unknownField(t.Elem(), item); bad != nil {
				return bad
			}
		}
	}
	return nil
}

// jsonField finds the exported field of struct t that encoding/json
// decodes key into: by its json tag's name, or its own name, either
// exactly or case-insensitively.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
