package report

import (
	"encoding/json"
	"io"
	"reflect"
)

// EmptyLists makes every nil slice (and map) reachable from v (through pointers,
// exported struct fields, slices, arrays, maps and interfaces) an empty
// one, in place: the same value to Go, but [] instead of null in JSON, so
// `jq '.accounts[].findings[]'` works on every report. Byte slices are
// left alone (they encode as strings). A nil map becomes {} likewise.
func EmptyLists(v any) {
	fill(reflect.ValueOf(v))
}

// emptied is v with its lists emptied; a nil slice itself, which cannot
// be changed in place, becomes an empty one.
func emptied(v any) any {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() && rv.Type().Elem().Kind() != reflect.Uint8 {
		return reflect.MakeSlice(rv.Type(), 0, 0).Interface()
	}
	EmptyLists(v)
	return v
}

// JSON writes v indented, with every list [] rather than null. Every JSON
// report goes through it.
func JSON(w io.Writer, v any) error {
	v = emptied(v)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// MarshalIndent is json.MarshalIndent with every list [] rather than null,
// for JSON written to files (plan --out, an evidence manifest).
func MarshalIndent(v any) ([]byte, error) {
	return json.MarshalIndent(emptied(v), "", "  ")
}

func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			fill(v.Elem())
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
				fill(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		for i := range v.Len() {
			fill(v.Index(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeMap(v.Type()))
			}
			return
		}
		// Map values are not addressable: fill a copy and store it back.
		it := v.MapRange()
		for it.Next() {
			c := reflect.New(v.Type().Elem()).Elem()
			c.Set(it.Value())
			fill(c)
			v.SetMapIndex(it.Key(), c)
		}
	}
}
