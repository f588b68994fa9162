package contact

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// digitsOf keeps only ASCII digits, the part of a phone number that matters
// for comparison.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// phoneKey normalises a phone for comparison: the leading + (which changes
// the meaning of the digits) and the digits, ignoring spacing and
// punctuation that AWS stores verbatim.
func phoneKey(s string) string {
	s = strings.TrimSpace(s)
	d := digitsOf(s)
	if strings.HasPrefix(s, "+") {
		return "+" + d
	}
	return d
}

// parseIntl parses a number only in international form; a national number is
// ambiguous without knowing the country, which the contact does not say.
func parseIntl(s string) (*phonenumbers.PhoneNumber, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "+") {
		return nil, false
	}
	n, err := phonenumbers.Parse(s, "")
	if err != nil {
		return nil, false
	}
	return n, true
}

// maskPhone hides all digits but the country code and the last four, so
// findings and logs (which end up in CI output and tickets) never carry a
// full phone number but stay recognisable to the owner.
func maskPhone(s string) string {
	digits := len(digitsOf(s))
	keepTail := 4
	if digits <= 2*keepTail {
		// Short values would be revealed almost whole; keep at most half.
		keepTail = digits / 2
	}
	keepHead := 0
	if n, ok := parseIntl(s); ok && n.GetCountryCode() != 0 && digits > 8 {
		keepHead = len(strconv.Itoa(int(n.GetCountryCode())))
	}
	var b strings.Builder
	seen := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			seen++
			if seen > keepHead && seen <= digits-keepTail {
				b.WriteByte('*')
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// phoneFormatProblem reports problems with how a phone is written, as
// opposed to which number it is; these are worth reporting even for a
// placeholder number because fixing the placeholder alone would not fix them.
func phoneFormatProblem(s string) string {
	t := strings.TrimSpace(s)
	switch {
	case !phonePattern.MatchString(s):
		return "contains characters AWS does not accept (only digits, spaces, +, -, ( and ))"
	case !strings.HasPrefix(t, "+"):
		return "is not in international form (+ and a country code)"
	}
	if _, err := phonenumbers.Parse(t, ""); err != nil {
		return "does not parse as a phone number"
	}
	return ""
}

// phoneNumberProblem reports a well-formed international number that
// libphonenumber does not consider a valid, dialable number.
func phoneNumberProblem(s string) string {
	n, ok := parseIntl(s)
	if !ok {
		return ""
	}
	if !phonenumbers.IsValidNumber(n) {
		return "is not a valid number for country code +" + strconv.Itoa(int(n.GetCountryCode()))
	}
	return ""
}

// ukDramaPrefixes are the first seven digits (national significant number,
// without the trunk 0) of Ofcom's ranges reserved for TV and radio drama;
// each range is the prefix followed by three digits.
var ukDramaPrefixes = map[string]bool{
	"1134960": true, "1144960": true, "1154960": true, "1164960": true,
	"1174960": true, "1184960": true, "1214960": true, "1314960": true,
	"1414960": true, "1514960": true, "1614960": true, "1914980": true,
	"2079460": true, "2890180": true, "2920180": true, "1632960": true,
	"7700900": true, "8081570": true, "9098790": true, "3069990": true,
}

// placeholderPhone returns why a phone is filler, or "" if it is not. It
// looks at the national significant number as well as the raw digits so
// that "+44 0000 000000" or "+1 234 567 8901" are caught despite the
// country code breaking the pattern.
func placeholderPhone(s string) string {
	raw := digitsOf(s)
	if raw == "" {
		return "contains no digits"
	}
	cands := []string{raw}
	cc, nsn := 0, ""
	if n, ok := parseIntl(s); ok {
		cc, nsn = int(n.GetCountryCode()), phonenumbers.GetNationalSignificantNumber(n)
		cands = append(cands, nsn)
	} else if !strings.HasPrefix(strings.TrimSpace(s), "+") {
		// National forms: guess only where the guess is unambiguous
		// enough for the narrow fiction ranges below.
		switch {
		case len(raw) == 10 && raw[0] != '0' && raw[0] != '1':
			cc, nsn = 1, raw
		case len(raw) == 11 && raw[0] == '1':
			cc, nsn = 1, raw[1:]
		case len(raw) == 11 && raw[0] == '0':
			cc, nsn = 44, raw[1:]
		}
	}
	for _, c := range cands {
		if len(c) >= 4 && allSame(c) {
			if c[0] == '0' {
				return "is all zeros"
			}
			return "repeats one digit"
		}
	}
	for _, c := range cands {
		if len(c) >= 6 && isRun(c) {
			return "is a sequential run of digits"
		}
	}
	switch {
	case cc == 1 && len(nsn) == 10 && nsn[3:6] == "555" && nsn[6:8] == "01":
		return "is reserved for fiction (NANP 555-0100 to 555-0199)"
	case cc == 44 && len(nsn) == 10 && ukDramaPrefixes[nsn[:7]]:
		return "is reserved for drama (Ofcom)"
	}
	return ""
}

func allSame(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// isRun reports whether every digit follows the previous by +1 or every
// digit by -1, wrapping 9 to 0, which covers 1234567890, 0123456789 and
// 9876543210.
func isRun(s string) bool {
	up, down := true, true
	for i := 1; i < len(s); i++ {
		d := (int(s[i]) - int(s[i-1]) + 10) % 10
		up = up && d == 1
		down = down && d == 9
	}
	return up || down
}

// MaskPhone hides all but the last digits of a phone number, for anything
// a person or a log may see.
func MaskPhone(s string) string { return maskPhone(s) }
