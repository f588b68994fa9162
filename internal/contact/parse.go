package contact

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxPolicyErrors bounds the report on badly broken files, where later
// errors are mostly consequences of earlier ones.
const maxPolicyErrors = 20

// ParsePolicy parses a policy file (YAML, or JSON, which is YAML) named name.
// Unknown keys, duplicate keys, values AWS would refuse and references that
// cannot be right (contact types, rule ids, severities, account and OU ids)
// are all errors naming file:line:column and the field path. The error is a
// *FileError, or FileErrors when there are several.
//
// Top-level keys starting with "x-" are ignored so that YAML anchors for
// shared contacts have somewhere to live.
//
// Scalars are read from their source text, so an unquoted 12-digit account id
// keeps its leading zeros and an unquoted +12065557700 stays a phone number.
func ParsePolicy(name string, data []byte) (*Policy, error) {
	ps := &policyParser{file: name, dec: yaml.NewDecoder(bytes.NewReader(nil))}
	file, err := parseYAML(data)
	if err != nil {
		return nil, ps.yamlError(err, nil)
	}
	var body ast.Node
	for i, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			ps.errorAt(doc.Body, "", "a policy must be a single YAML document (found document %d)", i+1)
			return nil, ps.err()
		}
		body = untag(doc.Body)
	}
	// Decoding the whole body once registers every anchor with the decoder
	// (and reports an alias with no anchor), so that the walk below can let
	// the decoder resolve aliases and merge keys mapping by mapping.
	if body != nil {
		ps.anchors = map[string]ast.Node{}
		for _, a := range ast.Filter(ast.AnchorType, body) {
			a := a.(*ast.AnchorNode)
			if a.Name != nil {
				ps.anchors[a.Name.GetToken().Value] = a.Value
			}
		}
		var all any
		if err := ps.dec.DecodeFromNode(body, &all); err != nil {
			return nil, ps.yamlError(err, body)
		}
	}
	p := ps.policy(body)
	if err := ps.err(); err != nil {
		return nil, err
	}
	p.pos = ps.pos
	return p, nil
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

type policyParser struct {
	file string
	// dec resolves aliases and merge keys; it knows the file's anchors.
	dec *yaml.Decoder
	// anchors holds the last node of each anchor name, as the decoder
	// resolves aliases; mergeOrder uses it to follow merge keys.
	anchors map[string]ast.Node
	errs    []*FileError
	// pos records where declared values sit, by canonical path (see
	// Policy.Position); it becomes the parsed policy's pos.
	pos map[string]position
}

// record notes where the value at the canonical path p is declared.
func (ps *policyParser) record(p string, n ast.Node) {
	line, col := nodePos(n)
	if line <= 0 {
		return
	}
	if ps.pos == nil {
		ps.pos = map[string]position{}
	}
	ps.pos[p] = position{line: line, column: col}
}

func (ps *policyParser) err() error {
	// The walk follows the schema, not the file; Join reports in file order.
	return Join(ps.errs)
}

func (ps *policyParser) errorAt(n ast.Node, p string, format string, args ...any) {
	if len(ps.errs) >= maxPolicyErrors {
		return
	}
	line, col := nodePos(n)
	ps.errs = append(ps.errs, &FileError{File: ps.file, Line: line, Column: col, Path: p, Message: fmt.Sprintf(format, args...)})
}

// yamlError turns the parser's or decoder's error into a FileError at the
// token it names. An alias without an anchor is named by its path in body.
func (ps *policyParser) yamlError(err error, body ast.Node) *FileError {
	fe := &FileError{File: ps.file, Message: err.Error()}
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

// nodePos returns where a node starts in the source. Block mappings report
// their first key rather than the ':' token goccy anchors them on.
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

// entry is one key of a mapping, after merge keys are expanded and aliases
// resolved.
type entry struct {
	key  string
	keyN ast.Node
	val  ast.Node
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

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return ok || n == nil
}

// mapping returns the entries of a mapping node in file order; a null value
// (an empty section such as "contacts:") yields no entries and no error. at
// is where a wrong type is reported.
func (ps *policyParser) mapping(n, at ast.Node, p string) ([]entry, bool) {
	n = untag(n)
	switch n.(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		ps.errorAt(at, p, "must be a mapping, got %s", describe(n))
		return nil, false
	}
	var m map[keyNode]ast.Node
	if err := ps.dec.DecodeFromNode(n, &m); err != nil {
		fe := ps.yamlError(err, nil)
		fe.Path = p
		ps.errs = append(ps.errs, fe)
		return nil, false
	}
	rank := map[ast.Node]int{}
	ps.mergeOrder(n, rank, map[ast.Node]bool{})
	var out []entry
	for k, v := range m {
		key, ok := scalarText(untag(k.n))
		if !ok {
			ps.errorAt(k.n, p, "keys must be strings")
			continue
		}
		out = append(out, entry{key: key, keyN: k.n, val: untag(v)})
	}
	// File order, which only orders error reports. Which of several keys
	// of one name wins follows YAML's merge key specification: keys
	// written in the mapping itself, then each merge source in merge-list
	// order.
	slices.SortFunc(out, func(a, b entry) int {
		al, ac := nodePos(a.keyN)
		bl, bc := nodePos(b.keyN)
		return cmp.Or(cmp.Compare(al, bl), cmp.Compare(ac, bc))
	})
	rankOf := func(e entry) int {
		if r, ok := rank[e.keyN]; ok {
			return r
		}
		return math.MaxInt
	}
	win := map[string]int{}
	for i, e := range out {
		if j, seen := win[e.key]; !seen || rankOf(e) < rankOf(out[j]) {
			win[e.key] = i
		}
	}
	kept := out[:0]
	for i, e := range out {
		if win[e.key] == i {
			kept = append(kept, e)
		}
	}
	return kept, true
}

// mergeOrder numbers the keys of mapping n in YAML's lookup order: the
// keys written in n, then those of each merge source in merge-list order,
// depth first. A key numbered lower wins over another of the same name.
func (ps *policyParser) mergeOrder(n ast.Node, rank map[ast.Node]int, seen map[ast.Node]bool) {
	n = ps.deref(n)
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
			src := ps.deref(mv.Value)
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
		ps.mergeOrder(src, rank, seen)
	}
}

// deref skips anchors and tags and resolves an alias as the decoder does,
// to the last anchor of that name.
func (ps *policyParser) deref(n ast.Node) ast.Node {
	for range 16 {
		n = untag(n)
		a, ok := n.(*ast.AliasNode)
		if !ok || a.Value == nil {
			return n
		}
		n = ps.anchors[a.Value.GetToken().Value]
	}
	return nil
}

// scalarText returns a scalar's source text (for strings, the unquoted and
// unescaped value). Using source text rather than the typed value is what
// keeps 012345678901 and +12065557700 intact.
func scalarText(n ast.Node) (string, bool) {
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

func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case nil, *ast.NullNode:
		return "nothing"
	}
	if s, ok := scalarText(n); ok {
		return strconv.Quote(s)
	}
	return "a " + strings.ToLower(n.Type().String())
}

// str reads a string value; at is where errors point (the key of the entry).
func (ps *policyParser) str(n, at ast.Node, p string) (string, bool) {
	if isNull(n) {
		ps.errorAt(at, p, "value is missing")
		return "", false
	}
	s, ok := scalarText(n)
	if !ok {
		ps.errorAt(at, p, "must be a string, got %s", describe(n))
		return "", false
	}
	return s, true
}

// list reads a list, its aliases resolved by the decoder; null means empty.
// Each item comes with its node so errors can point at the item itself.
func (ps *policyParser) list(n, at ast.Node, p string) ([]ast.Node, bool) {
	switch untag(n).(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.SequenceNode:
		var items []ast.Node
		if err := ps.dec.DecodeFromNode(untag(n), &items); err != nil {
			fe := ps.yamlError(err, nil)
			fe.Path = p
			ps.errs = append(ps.errs, fe)
			return nil, false
		}
		for i := range items {
			items[i] = untag(items[i])
		}
		return items, true
	}
	ps.errorAt(at, p, "must be a list, got %s", describe(n))
	return nil, false
}

func (ps *policyParser) strList(n, at ast.Node, p string, each func(s string, item ast.Node, ip string)) {
	items, ok := ps.list(n, at, p)
	if !ok {
		return
	}
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", p, i)
		if s, ok := ps.str(it, it, ip); ok {
			each(strings.TrimSpace(s), it, ip)
		}
	}
}

func (ps *policyParser) unknownKey(e entry, p string, known ...string) {
	ps.errorAt(e.keyN, join(p, e.key), "unknown key (known keys: %s)", strings.Join(known, ", "))
}

// join appends a key to a field path, quoting keys that would make the path
// ambiguous or span lines.
func join(p, key string) string {
	if key == "" || strings.ContainsFunc(key, func(r rune) bool {
		return !unicode.IsGraphic(r) || unicode.IsSpace(r) || strings.ContainsRune(`."[]`, r)
	}) {
		key = strconv.Quote(key)
	}
	if p == "" {
		return key
	}
	return p + "." + key
}

func (ps *policyParser) policy(body ast.Node) *Policy {
	p := DefaultPolicy()
	p.Version = 0
	p.Source = ps.file
	if isNull(body) {
		ps.errs = append(ps.errs, &FileError{File: ps.file, Line: 1, Column: 1, Path: "version",
			Message: "is required; the policy is empty (start it with version: 1)"})
		return nil
	}
	entries, ok := ps.mapping(body, body, "")
	if !ok {
		return nil
	}
	var versionSeen bool
	for _, e := range entries {
		switch e.key {
		case "version":
			versionSeen = true
			if s, ok := ps.str(e.val, e.keyN, "version"); ok {
				v, err := strconv.Atoi(strings.TrimSpace(s))
				switch {
				case err != nil:
					ps.errorAt(e.keyN, "version", "%q is not a number; use version: 1", s)
				case v != 1:
					ps.errorAt(e.keyN, "version", "unsupported version %d (this altcontacts understands version 1)", v)
				default:
					p.Version = v
				}
			}
		case "require":
			p.Require = ps.require(e)
		case "contacts":
			p.Contacts = ps.contacts(e.val, e.keyN, "contacts", "contacts")
		case "rules":
			ps.rules(e, &p.Rules)
		case "overrides":
			p.Overrides = ps.overrides(e)
		case "exclude":
			ps.exclude(e, &p.Exclude)
		default:
			// x- keys are free for YAML anchors (x-team: &team {...}),
			// as in Compose files; anything else is a typo until proven
			// otherwise.
			if strings.HasPrefix(e.key, "x-") {
				continue
			}
			ps.unknownKey(e, "", "version", "require", "contacts", "rules", "overrides", "exclude")
		}
	}
	if !versionSeen {
		ps.errorAt(body, "version", "is required; add version: 1")
	}
	return p
}

func (ps *policyParser) require(e entry) []Type {
	out := []Type{}
	seen := map[Type]bool{}
	ps.strList(e.val, e.keyN, "require", func(s string, item ast.Node, ip string) {
		t, err := ParseType(s)
		switch {
		case err != nil:
			ps.errorAt(item, ip, "%v", err)
		case seen[t]:
			ps.errorAt(item, ip, "%s is listed twice", t)
		default:
			seen[t] = true
			out = append(out, t)
		}
	})
	return out
}

// contacts reads a type → contact mapping. Type keys are case-insensitive
// like everywhere else in the tool; the path keeps the spelling in the file,
// while canon, the same path with types spelled canonically, is what
// positions are recorded under.
func (ps *policyParser) contacts(n, at ast.Node, p, canon string) map[Type]Details {
	entries, ok := ps.mapping(n, at, p)
	if !ok {
		return nil
	}
	out := map[Type]Details{}
	for _, e := range entries {
		kp := join(p, e.key)
		t, err := ParseType(e.key)
		if err != nil {
			ps.errorAt(e.keyN, kp, "%v", err)
			continue
		}
		if _, dup := out[t]; dup {
			ps.errorAt(e.keyN, kp, "%s is declared twice", t)
			continue
		}
		if d, ok := ps.details(e, kp, fmt.Sprintf("%s.%s", canon, t)); ok {
			out[t] = d
		}
	}
	return out
}

// details reads one contact. All four fields are required because
// PutAlternateContact replaces the whole contact; the values are trimmed so
// stray spaces are not written to AWS. On success the contact's key and each
// field's key are recorded under canon and canon.FIELD.
func (ps *policyParser) details(e entry, p, canon string) (Details, bool) {
	val := e.val
	if isNull(val) {
		ps.errorAt(e.keyN, p, "must be a contact with name, title, email and phone")
		return Details{}, false
	}
	entries, ok := ps.mapping(val, e.keyN, p)
	if !ok {
		return Details{}, false
	}
	var d Details
	keys := map[string]ast.Node{}
	good := true
	for _, f := range entries {
		fp := join(p, f.key)
		var dst *string
		switch f.key {
		case fieldName:
			dst = &d.Name
		case fieldTitle:
			dst = &d.Title
		case fieldEmail:
			dst = &d.Email
		case fieldPhone:
			dst = &d.Phone
		default:
			ps.unknownKey(f, p, fieldName, fieldTitle, fieldEmail, fieldPhone)
			good = false
			continue
		}
		keys[f.key] = f.keyN
		s, ok := ps.str(f.val, f.keyN, fp)
		if !ok {
			good = false
			continue
		}
		*dst = strings.TrimSpace(s)
	}
	for _, f := range []string{fieldName, fieldTitle, fieldEmail, fieldPhone} {
		if _, ok := keys[f]; !ok {
			ps.errorAt(e.keyN, join(p, f), "is required (a contact needs name, title, email and phone)")
			good = false
		}
	}
	if !good {
		return Details{}, false
	}
	if err := d.Validate(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			ps.errorAt(keys[fe.Field], join(p, fe.Field), "%s", fe.Message)
		} else {
			ps.errorAt(e.keyN, p, "%v", err)
		}
		return Details{}, false
	}
	ps.record(canon, e.keyN)
	for f, n := range keys {
		ps.record(canon+"."+f, n)
	}
	return d, true
}

var domainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

func (ps *policyParser) rules(e entry, r *Rules) {
	entries, ok := ps.mapping(e.val, e.keyN, "rules")
	if !ok {
		return
	}
	for _, f := range entries {
		fp := join("rules", f.key)
		switch f.key {
		case "allowed_email_domains":
			ps.strList(f.val, f.keyN, fp, func(s string, item ast.Node, ip string) {
				d := strings.TrimPrefix(strings.ToLower(s), "@")
				if !domainPattern.MatchString(d) {
					ps.errorAt(item, ip, "%q is not a domain name (subdomains of a listed domain are allowed automatically)", s)
					return
				}
				r.AllowedEmailDomains = append(r.AllowedEmailDomains, d)
			})
		case "group_email_patterns":
			ps.strList(f.val, f.keyN, fp, func(s string, item ast.Node, ip string) {
				pat := strings.ToLower(s)
				if _, err := path.Match(pat, ""); err != nil {
					ps.errorAt(item, ip, "%q is not a valid glob pattern", s)
					return
				}
				if !strings.Contains(pat, "@") {
					ps.errorAt(item, ip, "%q has no @; patterns match the whole address, e.g. security@*", s)
					return
				}
				r.GroupEmailPatterns = append(r.GroupEmailPatterns, pat)
			})
		case "denied_emails":
			ps.strList(f.val, f.keyN, fp, func(s string, item ast.Node, ip string) {
				if !emailPattern.MatchString(s) {
					ps.errorAt(item, ip, "%q is not a valid email address", s)
					return
				}
				r.DeniedEmails = append(r.DeniedEmails, strings.ToLower(s))
			})
		case "denied_phones":
			ps.strList(f.val, f.keyN, fp, func(s string, item ast.Node, ip string) {
				if !phonePattern.MatchString(s) || digitsOf(s) == "" {
					ps.errorAt(item, ip, "%q is not a phone number", maskPhone(s))
					return
				}
				r.DeniedPhones = append(r.DeniedPhones, s)
			})
		case "distinct_types":
			if v, ok := ps.str(f.val, f.keyN, fp); ok {
				switch strings.ToLower(v) {
				case "true":
					r.DistinctTypes = true
				case "false":
					r.DistinctTypes = false
				default:
					ps.errorAt(f.keyN, fp, "want true or false, got %q", v)
				}
			}
		case "severity":
			ps.severities(f, fp, r)
		case "domain_expiry_days":
			if v, ok := ps.str(f.val, f.keyN, fp); ok {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 1 || n > 3650 {
					ps.errorAt(f.keyN, fp, "want a whole number of days from 1 to 3650, got %q", v)
					break
				}
				ps.record(fp, f.keyN)
				r.DomainExpiryDays = n
			}
		default:
			ps.unknownKey(f, "rules", "allowed_email_domains", "group_email_patterns", "denied_emails", "denied_phones", "distinct_types", "severity", "domain_expiry_days")
		}
	}
}

func (ps *policyParser) severities(e entry, p string, r *Rules) {
	entries, ok := ps.mapping(e.val, e.keyN, p)
	if !ok {
		return
	}
	for _, f := range entries {
		fp := join(p, f.key)
		if _, ok := RuleInfo(f.key); !ok {
			ps.errorAt(f.keyN, fp, "unknown rule %q (rules: %s)", f.key, strings.Join(RuleIDs(), ", "))
			continue
		}
		s, ok := ps.str(f.val, f.keyN, fp)
		if !ok {
			continue
		}
		sev, err := ParseSeverity(s)
		if err != nil {
			ps.errorAt(f.keyN, fp, "%v", err)
			continue
		}
		if r.Severity == nil {
			r.Severity = map[string]Severity{}
		}
		r.Severity[f.key] = sev
	}
}

func (ps *policyParser) overrides(e entry) []Override {
	items, ok := ps.list(e.val, e.keyN, "overrides")
	if !ok {
		return nil
	}
	var out []Override
	for i, it := range items {
		ip := fmt.Sprintf("overrides[%d]", i)
		entries, ok := ps.mapping(it, it, ip)
		if !ok {
			continue
		}
		line, _ := nodePos(it)
		o := Override{Line: line}
		ps.record(ip, it)
		var hasOU, hasAccount, hasContacts, good = false, false, false, true
		for _, f := range entries {
			fp := join(ip, f.key)
			switch f.key {
			case "ou":
				hasOU = true
				s, ok := ps.str(f.val, f.keyN, fp)
				if !ok {
					good = false
					continue
				}
				ref, err := parseOURef(s)
				if err != nil {
					ps.errorAt(f.keyN, fp, "%v", err)
					good = false
					continue
				}
				ps.record(ip+".ou", f.keyN)
				o.OU = ref
			case "account":
				hasAccount = true
				id, ok := ps.accountID(f.val, f.keyN, fp)
				if !ok {
					good = false
					continue
				}
				ps.record(ip+".account", f.keyN)
				o.Account = id
			case "contacts":
				hasContacts = true
				before := len(ps.errs)
				o.Contacts = ps.contacts(f.val, f.keyN, fp, fmt.Sprintf("overrides[%d].contacts", i))
				if len(o.Contacts) == 0 && len(ps.errs) == before {
					ps.errorAt(f.keyN, fp, "must declare at least one contact")
					good = false
				}
			default:
				ps.unknownKey(f, ip, "ou", "account", "contacts")
				good = false
			}
		}
		switch {
		case hasOU && hasAccount:
			ps.errorAt(it, ip, "set either ou or account, not both")
			good = false
		case !hasOU && !hasAccount:
			ps.errorAt(it, ip, "needs ou (an OU id or a path like Root/Sandbox) or account (a 12-digit id)")
			good = false
		}
		if !hasContacts {
			ps.errorAt(it, join(ip, "contacts"), "is required")
			good = false
		}
		if good {
			out = append(out, o)
		}
	}
	return out
}

func (ps *policyParser) exclude(e entry, x *Exclude) {
	entries, ok := ps.mapping(e.val, e.keyN, "exclude")
	if !ok {
		return
	}
	for _, f := range entries {
		fp := join("exclude", f.key)
		switch f.key {
		case "accounts":
			items, ok := ps.list(f.val, f.keyN, fp)
			if !ok {
				continue
			}
			for i, it := range items {
				if id, ok := ps.accountID(it, it, fmt.Sprintf("%s[%d]", fp, i)); ok {
					ps.record(fmt.Sprintf("exclude.accounts[%d]", len(x.Accounts)), it)
					x.Accounts = append(x.Accounts, id)
				}
			}
		case "ous":
			ps.strList(f.val, f.keyN, fp, func(s string, item ast.Node, ip string) {
				ref, err := parseOURef(s)
				if err != nil {
					ps.errorAt(item, ip, "%v", err)
					return
				}
				ps.record(fmt.Sprintf("exclude.ous[%d]", len(x.OUs)), item)
				x.OUs = append(x.OUs, ref)
			})
		default:
			ps.unknownKey(f, "exclude", "accounts", "ous")
		}
	}
}

// accountID reads a 12-digit account id. The source text is used, so an
// unquoted id keeps its leading zeros; a number that is too short is most
// likely one whose zeros were already lost by whatever generated the file,
// so the message says to quote it.
func (ps *policyParser) accountID(n, at ast.Node, p string) (string, bool) {
	s, ok := ps.str(n, at, p)
	if !ok {
		return "", false
	}
	s = strings.TrimSpace(s)
	if !IsAccountID(s) {
		if _, isNum := n.(*ast.IntegerNode); isNum {
			ps.errorAt(at, p, "%s is not a 12-digit account id (write account ids as quoted strings so leading zeros survive)", s)
		} else {
			ps.errorAt(at, p, "%q is not a 12-digit account id", s)
		}
		return "", false
	}
	return s, true
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// IsAccountID reports whether s is exactly 12 ASCII digits, the form AWS
// documents for account ids.
func IsAccountID(s string) bool {
	return accountIDPattern.MatchString(s)
}

var (
	ouIDPattern   = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$`)
	rootIDPattern = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
)

// parseOURef validates an OU reference: an OU id, a root id, or a path of OU
// names starting at Root. A trailing slash is tolerated.
func parseOURef(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "ou-"):
		if !ouIDPattern.MatchString(s) {
			return "", fmt.Errorf("%q is not a valid OU id (ou-xxxx-xxxxxxxx)", s)
		}
		return s, nil
	case strings.HasPrefix(s, "r-"):
		if !rootIDPattern.MatchString(s) {
			return "", fmt.Errorf("%q is not a valid root id (r-xxxx)", s)
		}
		return s, nil
	}
	p := strings.TrimSuffix(s, "/")
	if p == "Root" || strings.HasPrefix(p, "Root/") {
		for _, seg := range strings.Split(p, "/") {
			if strings.TrimSpace(seg) == "" {
				return "", fmt.Errorf("%q has an empty OU name", s)
			}
		}
		return p, nil
	}
	return "", fmt.Errorf("%q is neither an OU id (ou-...) nor a path from the root (Root/...)", s)
}

// isOUPath tells OU paths from ids when matching; parseOURef guarantees
// every path starts at Root.
func isOUPath(ref string) bool {
	return ref == "Root" || strings.HasPrefix(ref, "Root/")
}
