package strict

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
)

// JSON decodes data, a what file ("plan") named name, into v as
// encoding/json does, strictly: a syntax or type error, data after the
// document and a key v has no field for are each a *FileError at its
// position, with the message "not a WHAT file: ..." in encoding/json's
// words. It returns the document's syntax tree, for At.
func JSON(name, what string, data []byte, v any) (ast.Node, error) {
	prefix := "not a " + what + " file: "
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return nil, syntaxError(name, prefix, data, dec.InputOffset(), err)
	}
	if dec.More() {
		off := int(dec.InputOffset())
		off += len(data[off:]) - len(bytes.TrimLeft(data[off:], " \t\r\n"))
		return nil, offsetError(name, data, off, prefix+"unexpected data after the "+what)
	}
	// Valid JSON is YAML: its syntax tree gives every field's position.
	file, err := parser.ParseBytes(data, 0)
	if err != nil || len(file.Docs) != 1 {
		fe := &FileError{File: name, Message: prefix + "it is JSON that the YAML parser refuses"}
		var yerr yaml.Error
		if errors.As(err, &yerr) && yerr.GetToken() != nil {
			fe.Message = prefix + yerr.GetMessage()
			fe.Line, fe.Column = yerr.GetToken().Position.Line, yerr.GetToken().Position.Column
		}
		return nil, fe
	}
	body := file.Docs[0].Body
	if key := unknownField(reflect.TypeOf(v), body); key != nil {
		return nil, nodeError(name, key, "", fmt.Sprintf("%sjson: unknown field %q", prefix, key.GetToken().Value))
	}
	return body, nil
}

// At is a FileError at path ("changes[1].after.email") of body, a syntax
// tree JSON returned.
func At(name string, body ast.Node, path, format string, args ...any) *FileError {
	var n ast.Node
	if p, err := yaml.PathString("$." + path); err == nil {
		n, _ = p.FilterNode(body)
	}
	return nodeError(name, n, path, fmt.Sprintf(format, args...))
}

// syntaxError locates what encoding/json refused: a syntax or type error at
// its offset, a file cut short at its end.
func syntaxError(name, prefix string, data []byte, read int64, err error) error {
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
	return offsetError(name, data, off, prefix+err.Error())
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
	return &FileError{File: name, Line: line, Column: col, Message: msg}
}

// nodeError is a FileError at a node of a syntax tree.
func nodeError(name string, n ast.Node, path, msg string) *FileError {
	fe := &FileError{File: name, Path: path, Message: msg}
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
		}
	}
	return fe
}

// unknownField returns the first key, in file order, that the Go type t
// has no field for, matching names as encoding/json does (its own
// DisallowUnknownFields names the key but not where it is; goccy's matches
// names exactly, where encoding/json ignores case).
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
