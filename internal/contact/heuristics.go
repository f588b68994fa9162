package contact

import (
	"path"
	"slices"
	"strings"
	"unicode"
)

// splitEmail returns the lowercased local part and domain. AWS stores
// addresses verbatim (with surrounding whitespace if given), so everything
// is trimmed first.
func splitEmail(email string) (local, domain string, ok bool) {
	e := strings.ToLower(strings.TrimSpace(email))
	i := strings.LastIndexByte(e, '@')
	if i <= 0 || i == len(e)-1 {
		return "", "", false
	}
	return e[:i], strings.TrimSuffix(e[i+1:], "."), true
}

// localBase drops a +tag (sub-addressing), which routes to the same mailbox
// and so must not change the verdict.
func localBase(local string) string {
	if i := strings.IndexByte(local, '+'); i > 0 {
		return local[:i]
	}
	return local
}

// domainWithin reports whether d is base or a subdomain of it.
func domainWithin(d, base string) bool {
	return d == base || strings.HasSuffix(d, "."+base)
}

// reservedTLDs are the RFC 2606/6761 top-level names that can never route
// mail to anyone.
var reservedTLDs = map[string]bool{"example": true, "test": true, "invalid": true, "localhost": true}

var reservedDomains = []string{"example.com", "example.org", "example.net"}

// placeholderLocals are mailbox names that mark an address as filler (or,
// for the no-reply family, as deliberately unread).
var placeholderLocals = setOf(
	"test", "testing", "tester", "noreply", "no-reply", "no_reply", "no.reply",
	"donotreply", "do-not-reply", "do_not_reply", "do.not.reply", "dontreply",
	"dummy", "fake", "none", "null", "nil", "nobody", "placeholder", "changeme",
	"change-me", "change.me", "foo", "bar", "foobar", "foo.bar", "asdf", "qwerty",
	"xxx", "example", "sample", "tbd", "todo", "unknown", "john.doe", "jane.doe",
	"johndoe", "janedoe", "john_doe", "jane_doe", "user", "someone", "somebody",
	"email", "your.name", "yourname", "firstname.lastname", "first.last",
)

// placeholderEmail returns why an address is filler, or "".
func placeholderEmail(email string) string {
	local, domain, ok := splitEmail(email)
	if !ok {
		return ""
	}
	for _, r := range reservedDomains {
		if domainWithin(domain, r) {
			return "uses the reserved domain " + r
		}
	}
	labels := strings.Split(domain, ".")
	if tld := labels[len(labels)-1]; reservedTLDs[tld] {
		return "uses the reserved top-level domain ." + tld
	}
	base := localBase(local)
	if placeholderLocals[base] || isTestWord(base) || (len(base) >= 3 && allSame(base)) {
		return "uses the placeholder mailbox name " + base
	}
	return ""
}

// isTestWord catches test1, test123 and the like.
func isTestWord(s string) bool {
	rest, ok := strings.CutPrefix(s, "test")
	if !ok || rest == "" {
		return false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// placeholderTexts are names and titles that stand for "nobody yet".
var placeholderTexts = setOf(
	"john doe", "jane doe", "john q public", "john q. public", "joe bloggs",
	"joe blogs", "max mustermann", "erika mustermann", "lorem ipsum",
	"n/a", "n.a.", "n.a", "na", "none", "nil", "null", "tbd", "tba", "tbc",
	"todo", "to do", "fixme", "test", "testing", "test user", "test contact",
	"placeholder", "unknown", "changeme", "change me", "dummy", "fake", "foo",
	"bar", "foo bar", "asdf", "qwerty", "sample", "example", "name", "title",
	"your name", "first last", "firstname lastname", "first name last name",
	"xxx", "default",
)

// normText lowercases and collapses whitespace so "  John   DOE " compares
// like "john doe".
func normText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// placeholderText returns why a name or title is filler, or "".
func placeholderText(s string) string {
	n := normText(s)
	if placeholderTexts[n] {
		return "is a placeholder"
	}
	if !strings.ContainsFunc(n, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return "has no letters or digits"
	}
	if c := strings.ReplaceAll(n, " ", ""); len([]rune(c)) >= 3 && allSameRune(c) {
		return "is a placeholder"
	}
	return ""
}

func allSameRune(s string) bool {
	rs := []rune(s)
	for _, r := range rs[1:] {
		if r != rs[0] {
			return false
		}
	}
	return true
}

// freeMailDomains are consumer mailbox providers: an address there belongs
// to whoever holds the password, not to the organization.
var freeMailDomains = setOf(
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
	"msn.com", "passport.com", "aol.com", "aim.com", "icloud.com", "me.com",
	"mac.com", "ymail.com", "rocketmail.com", "proton.me", "pm.me",
	"protonmail.com", "protonmail.ch", "gmx.com", "gmx.net", "gmx.de",
	"web.de", "t-online.de", "freenet.de", "posteo.de", "posteo.net",
	"mailbox.org", "mail.ru", "bk.ru", "list.ru", "inbox.ru", "rambler.ru",
	"ya.ru", "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net",
	"sina.com", "sohu.com", "139.com", "naver.com", "daum.net", "hanmail.net",
	"zoho.com", "zohomail.com", "fastmail.com", "fastmail.fm", "tutanota.com",
	"tutanota.de", "tuta.io", "tutamail.com", "hey.com", "duck.com",
	"hushmail.com", "mail.com", "email.com", "inbox.com", "orange.fr",
	"wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "libero.it",
	"virgilio.it", "tiscali.it", "btinternet.com", "sky.com",
	"virginmedia.com", "ntlworld.com", "comcast.net", "verizon.net",
	"att.net", "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net",
	"earthlink.net", "rediffmail.com", "seznam.cz", "wp.pl", "o2.pl",
	"interia.pl", "onet.pl", "bol.com.br", "uol.com.br", "terra.com.br",
	"ukr.net",
)

// freeMailFamilies are providers with one domain per country (yahoo.co.uk,
// hotmail.fr, ...), matched on the first label when the rest is a short
// country or generic suffix.
var freeMailFamilies = setOf("yahoo", "hotmail", "outlook", "live", "gmx", "yandex")

// freeMailProvider returns the consumer provider domain of an address, or "".
func freeMailProvider(email string) string {
	_, domain, ok := splitEmail(email)
	if !ok {
		return ""
	}
	if freeMailDomains[domain] {
		return domain
	}
	labels := strings.Split(domain, ".")
	if len(labels) >= 2 && len(labels) <= 3 && freeMailFamilies[labels[0]] {
		for _, l := range labels[1:] {
			if len(l) > 3 {
				return ""
			}
		}
		return domain
	}
	return ""
}

// teamWords mark a name or mailbox as belonging to a team, function or
// rotation rather than a person.
var teamWords = setOf(
	"security", "secops", "sec", "infosec", "cybersecurity", "cyber", "soc",
	"noc", "sre", "ops", "operations", "devops", "devsecops", "itops",
	"billing", "finance", "financial", "accounts", "account", "payable",
	"receivable", "accounting", "payments", "payment", "treasury",
	"procurement", "purchasing", "invoices", "invoice", "cloud", "aws",
	"platform", "platforms", "engineering", "eng", "team", "teams", "incident",
	"incidents", "response", "responders", "desk", "center", "centre",
	"group", "department", "dept", "on-call", "oncall", "rotation", "alerts",
	"alert", "admin", "admins", "administrator", "administrators", "it",
	"cert", "csirt", "psirt", "sirt", "cirt", "ir", "service", "services",
	"support", "help", "helpdesk", "servicedesk", "infrastructure", "infra",
	"network", "networking", "systems", "sysadmin", "compliance", "risk",
	"grc", "governance", "audit", "legal", "privacy", "dpo", "office",
	"management", "contact", "contacts", "mailbox", "list", "dl", "hotline",
	"emergency", "duty", "watch", "monitoring", "reliability", "crew",
	"staff", "squad", "guild", "committee", "board", "owners", "ciso", "cto",
	"cfo", "ceo", "cio", "hq", "division", "unit", "corporate", "global",
	"shared", "distribution", "escalation", "escalations", "pager",
	"pagerduty", "opsgenie", "abuse", "hostmaster", "postmaster",
	"webmaster", "root", "info", "hello", "team", "all", "ap", "ar", "hr",
	"notifications", "notify", "status", "tech", "technology", "technical",
	"devs", "dev", "developers", "sysops", "cloudops", "finops", "secteam",
	"aws-security", "cloud-security", "inc", "ltd", "llc", "gmbh", "corp",
	"plc", "ag", "sa", "bv", "company",
	// Environment and account words, common in shared mailboxes.
	"prod", "production", "staging", "stage", "sandbox", "nonprod", "qa",
	"uat", "mgmt", "logs", "logging", "org", "organization", "master",
)

// groupSubstrings are long enough to be recognised inside run-together
// mailbox names such as awssecurity or cloudalerts without matching
// personal names by accident.
var groupSubstrings = []string{
	"security", "secops", "infosec", "oncall", "on-call", "alert",
	"incident", "billing", "finance", "operations", "devops", "platform",
	"cloud", "admin", "support", "payable", "invoice", "compliance", "abuse",
	"cyber", "network", "helpdesk", "servicedesk", "notif",
	"escalat", "account", "payment", "rotation",
}

// isGroupLocal reports whether a mailbox name looks like a team or function.
func isGroupLocal(base string) bool {
	if teamWords[base] {
		return true
	}
	for _, tok := range strings.FieldsFunc(base, func(r rune) bool {
		return r == '.' || r == '_' || r == '-' || (r >= '0' && r <= '9')
	}) {
		if teamWords[tok] {
			return true
		}
	}
	for _, s := range groupSubstrings {
		if strings.Contains(base, s) {
			return true
		}
	}
	return false
}

// personNameWords returns the folded, lowercased words of a name that looks
// like a person's: two or three capitalised words, none of them a team word
// or short acronym. A middle initial ("Marco J. Rossi") is allowed.
func personNameWords(name string) ([]string, bool) {
	fields := strings.Fields(name)
	if len(fields) < 2 || len(fields) > 3 {
		return nil, false
	}
	words := make([]string, 0, len(fields))
	for i, f := range fields {
		rs := []rune(f)
		if !unicode.IsUpper(rs[0]) {
			return nil, false
		}
		initial := len(rs) == 2 && rs[1] == '.'
		if initial && (i == 0 || i == len(fields)-1) {
			return nil, false
		}
		if !initial {
			for _, r := range rs {
				if !unicode.IsLetter(r) && r != '\'' && r != '-' && r != '’' {
					return nil, false
				}
			}
			if len(rs) >= 2 && len(rs) <= 4 && f == strings.ToUpper(f) {
				return nil, false // an acronym like ACME or GRC, not a name
			}
		}
		w := fold(strings.ToLower(f))
		if teamWords[w] {
			return nil, false
		}
		for _, part := range strings.Split(w, "-") {
			if teamWords[part] {
				return nil, false
			}
		}
		words = append(words, strings.TrimSuffix(w, "."))
	}
	return words, true
}

// personalName reports whether a name looks like a person rather than a
// team, and is not already a placeholder (which is the bigger problem).
func personalName(name string) bool {
	if placeholderText(name) != "" {
		return false
	}
	_, ok := personNameWords(name)
	return ok
}

// localMatchesName reports whether a mailbox name is built from the person's
// name in one of the usual corporate schemes (marco.rossi, mrossi, marco,
// rossi.marco, ...). Trailing digits (marco.rossi2) are ignored.
func localMatchesName(base string, words []string) bool {
	base = strings.TrimRightFunc(base, func(r rune) bool { return r >= '0' && r <= '9' })
	var clean []string
	for _, w := range words {
		w = strings.NewReplacer("'", "", "’", "", "-", "").Replace(w)
		if w != "" {
			clean = append(clean, w)
		}
	}
	if len(clean) < 2 {
		return false
	}
	first, last := clean[0], clean[len(clean)-1]
	f, l := firstRune(first), firstRune(last)
	cands := []string{
		first, last,
		first + last, first + "." + last, first + "_" + last, first + "-" + last,
		f + last, f + "." + last, f + "_" + last, f + "-" + last,
		last + first, last + "." + first, last + "_" + first, last + f,
		first + l, first + "." + l, first + "_" + l,
	}
	if len(clean) == 3 {
		m := clean[1]
		cands = append(cands,
			first+"."+m+"."+last, first+m+last, f+firstRune(m)+last, first+"."+firstRune(m)+"."+last,
			m+"."+last, m+last)
	}
	return slices.Contains(cands, base)
}

// looksFirstLast reports the first.last / first_last shape on its own, for
// when the contact's name does not say who the person is.
func looksFirstLast(base string) bool {
	sep := ""
	switch {
	case strings.Count(base, ".") >= 1 && !strings.ContainsAny(base, "_-"):
		sep = "."
	case strings.Count(base, "_") >= 1 && !strings.ContainsAny(base, ".-"):
		sep = "_"
	default:
		return false
	}
	parts := strings.Split(base, sep)
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for i, p := range parts {
		if p == "" || !isLetters(p) {
			return false
		}
		// Only a middle part may be an initial.
		if len(p) < 2 && (i == 0 || i == len(parts)-1) {
			return false
		}
	}
	return true
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// matchGroupPattern reports whether an address matches any policy glob.
// Patterns are stored lowercased and validated at parse time.
func matchGroupPattern(patterns []string, email string) bool {
	addr := strings.ToLower(strings.TrimSpace(email))
	for _, p := range patterns {
		if ok, _ := path.Match(p, addr); ok {
			return true
		}
	}
	return false
}

// fold strips the common Latin diacritics so "José Núñez" can be matched
// against jose.nunez@; mailbox names are nearly always ASCII.
func fold(s string) string {
	return foldReplacer.Replace(s)
}

var foldReplacer = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "æ", "ae",
	"ç", "c", "è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i",
	"î", "i", "ï", "i", "ñ", "n", "ò", "o", "ó", "o", "ô", "o", "õ", "o",
	"ö", "o", "ø", "o", "ù", "u", "ú", "u", "û", "u", "ü", "u", "ý", "y",
	"ÿ", "y", "ß", "ss", "ł", "l", "ś", "s", "ź", "z", "ż", "z", "ć", "c",
	"ń", "n", "ę", "e", "ą", "a", "š", "s", "ž", "z", "č", "c", "ř", "r",
	"ě", "e", "ů", "u", "ğ", "g", "ş", "s", "ı", "i", "œ", "oe",
)

func setOf(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}
