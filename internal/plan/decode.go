package plan

import (
	"errors"
	"fmt"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/strict"
)

// Decode reads a plan file written by 'plan --out', named name, strictly:
// malformed JSON, unknown fields, data after the plan, another schema, and
// changes apply could not make (a bad account id, action or type, an
// invalid contact to write, an update without the contact it replaces) are
// each a *strict.FileError with the line and column of the problem. The
// summary is recounted from the changes.
func Decode(name string, data []byte) (*Plan, error) {
	var pl Plan
	body, err := strict.JSON(name, "plan", data, &pl)
	if err != nil {
		return nil, err
	}
	at := func(path, format string, args ...any) *strict.FileError {
		return strict.At(name, body, path, format, args...)
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
