// Package strict decodes the files a user hands the tool — policies and plan
// files, YAML or JSON — strictly and with positions. Every problem is a
// *FileError naming file:line:column and the field path, and a file with
// several problems reports up to MaxErrors of them at once, in file order,
// so a user can fix them in one pass.
//
// Two entry points share that error model:
//
//   - Parse and Decoder read YAML (JSON is YAML) on goccy/go-yaml's syntax
//     tree: goccy parses, resolves anchors, aliases and merge keys, and
//     node unmarshalers keep each key's node. Struct tags declare which
//     keys a mapping has (Fields); the Decoder reports unknown keys, merge
//     lists in YAML's lookup order and several errors itself, which goccy's
//     DisallowUnknownField cannot (it stops at the first unknown key, in
//     map order). Scalars are read from their source text, so an unquoted
//     012345678901 keeps its zeros.
//   - JSON reads a document written by the tool itself (a plan file) with
//     encoding/json's rules and messages, and places each error with the
//     document's YAML syntax tree (yaml.PathString for later checks, At).
package strict
