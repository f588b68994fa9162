package report

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/doctor"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// Every list in every JSON report is [] when empty, never null, so jq's
// .accounts[].findings[] works on any report. The lists are found by
// reflection over the Go types, so a slice field added later is checked
// too: each report is rendered twice, once as its zero value and once as
// a sample where every list of structs holds one filled element and one
// zero element (whose own lists are nil), which reaches every nested list
// both ways.
func TestJSONListsAreNeverNull(t *testing.T) {
	for _, tc := range []struct {
		name   string
		v      any
		render func(v any) ([]byte, error)
		// shape is the Go type the JSON is decoded against, when the
		// rendered document is not v itself (SARIF is made from an audit).
		shape reflect.Type
	}{
		{"audit", &audit.Report{}, func(v any) ([]byte, error) {
			return render(func(b *bytes.Buffer) error { return Audit(b, "json", v.(*audit.Report), Style{}) })
		}, nil},
		{"audit sarif", &audit.Report{}, func(v any) ([]byte, error) {
			return render(func(b *bytes.Buffer) error { return Audit(b, "sarif", v.(*audit.Report), Style{}) })
		}, reflect.TypeOf(sarifLog{})},
		{"plan", &plan.Plan{}, func(v any) ([]byte, error) {
			return render(func(b *bytes.Buffer) error { return Plan(b, "json", v.(*plan.Plan), Style{}) })
		}, nil},
		{"apply", &apply.Report{}, func(v any) ([]byte, error) {
			return render(func(b *bytes.Buffer) error { return Changes(b, "json", "apply", v.(*apply.Report), Style{}) })
		}, nil},
		{"verify", &verify.Report{}, func(v any) ([]byte, error) {
			return render(func(b *bytes.Buffer) error { return Verify(b, "json", v.(*verify.Report), Style{}) })
		}, nil},
		{"doctor", &doctor.Report{}, func(v any) ([]byte, error) {
			return render(func(b *bytes.Buffer) error { return Doctor(b, "json", v.(*doctor.Report), Style{}) })
		}, nil},
		{"journal list", &RunList{}, func(v any) ([]byte, error) {
			return render(func(b *bytes.Buffer) error { return Runs(b, "json", v.(*RunList)) })
		}, nil},
		{"plan file", &plan.Plan{}, func(v any) ([]byte, error) { return MarshalIndent(v) }, nil},
	} {
		for _, filled := range []bool{false, true} {
			v := tc.v
			label := tc.name + " (zero)"
			if filled {
				v = sample(reflect.TypeOf(tc.v), 0).Interface()
				label = tc.name + " (sample)"
			}
			out, err := tc.render(v)
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			var doc any
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("%s: not JSON: %v\n%s", label, err, out)
			}
			shape := tc.shape
			if shape == nil {
				shape = reflect.TypeOf(tc.v)
			}
			for _, p := range nullLists(shape, doc, "") {
				t.Errorf("%s: %s is null, want [] (or {} for a map)", label, p)
			}
		}
	}
}

// The checker itself must see a null list, or the test proves nothing.
func TestNullListsSeesNull(t *testing.T) {
	type inner struct {
		Items []string `json:"items"`
	}
	type outer struct {
		List  []inner        `json:"list"`
		Map   map[string]int `json:"map"`
		Other *inner         `json:"other,omitempty"`
	}
	var doc any
	json.Unmarshal([]byte(`{"list":[{"items":null}],"map":null,"other":{"items":[]}}`), &doc)
	got := strings.Join(nullLists(reflect.TypeOf(outer{}), doc, ""), " ")
	if got != ".list[0].items .map" {
		t.Errorf("nullLists = %q, want .list[0].items .map", got)
	}
}

func render(f func(*bytes.Buffer) error) ([]byte, error) {
	var b bytes.Buffer
	err := f(&b)
	return b.Bytes(), err
}

var (
	marshaler     = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textMarshaler = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// leaf reports whether t encodes itself (time.Time, a custom kind).
func leaf(t reflect.Type) bool {
	return t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler) ||
		t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)
}

// jsonName is a field's JSON key, its omitempty, and whether it is encoded.
func jsonName(f reflect.StructField) (string, bool, bool) {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(opts, "omitempty"), true
}

// nullLists lists the paths in doc where t declares a slice or a map and
// the JSON holds null.
func nullLists(t reflect.Type, doc any, path string) []string {
	if leaf(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		if doc == nil {
			return nil
		}
		return nullLists(t.Elem(), doc, path)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil
		}
		list, ok := doc.([]any)
		if !ok {
			return []string{path}
		}
		var out []string
		for i, el := range list {
			out = append(out, nullLists(t.Elem(), el, path+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	case reflect.Map:
		obj, ok := doc.(map[string]any)
		if !ok {
			return []string{path}
		}
		var out []string
		for k, el := range obj {
			out = append(out, nullLists(t.Elem(), el, path+"."+k)...)
		}
		return out
	case reflect.Struct:
		obj, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		var out []string
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Tag.Get("json") == "" {
				out = append(out, nullLists(f.Type, doc, path)...)
				continue
			}
			name, _, ok := jsonName(f)
			if !ok {
				continue
			}
			v, present := obj[name]
			if !present {
				continue // omitempty, or not encoded
			}
			out = append(out, nullLists(f.Type, v, path+"."+name)...)
		}
		return out
	}
	return nil
}

// sample is a value of t where every pointer is set and every list of
// structs (or pointers) holds a filled element and a zero one. Lists of
// scalars and maps stay nil.
func sample(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	if depth > 8 || leaf(t) {
		return v
	}
	switch t.Kind() {
	case reflect.Pointer:
		v.Set(sample(t.Elem(), depth+1).Addr())
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				v.Field(i).Set(sample(t.Field(i).Type, depth+1))
			}
		}
	case reflect.Slice:
		switch t.Elem().Kind() {
		case reflect.Struct, reflect.Pointer:
			v.Set(reflect.Append(reflect.MakeSlice(t, 0, 2), sample(t.Elem(), depth+1), reflect.Zero(t.Elem())))
		}
	}
	return v
}
