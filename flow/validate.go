package flow

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length bounds of free-text inputs. Checked before anything else so a huge
// paste is rejected without scanning it.
const (
	MaxEmailLen       = 254 // RFC 5321 path limit
	MaxUPNLen         = 113 // Entra ID: 64 before @, 48 after
	MaxPhoneLen       = 32
	MaxCompanyLen     = 120
	MaxPersonNameLen  = 64
	MaxAddressLineLen = 100
	MaxCityLen        = 64
	MaxStateLen       = 64
	MaxPostalCodeLen  = 12
	MaxInitialDomain  = 27 // letters and digits before .onmicrosoft.com
)

// InitialDomainSuffix is the suffix of every Microsoft initial domain.
const InitialDomainSuffix = ".onmicrosoft.com"

// checkText rejects input that is too long, not UTF-8, or holds control
// characters (which could also smuggle terminal escapes into a screen).
func checkText(s string, max int) error {
	// Bytes bound runes from above by 4x: reject obviously huge input fast.
	if len(s) > 4*max || utf8.RuneCountInString(s) > max {
		return fmt.Errorf("too long: at most %d characters", max)
	}
	if !utf8.ValidString(s) {
		return errors.New("contains invalid characters; retype it")
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return errors.New("contains control characters; retype it without them")
		}
	}
	for _, r := range s {
		if invisible(r) {
			return fmt.Errorf("contains an invisible character (U+%04X), usually pasted along with the text: "+
				"clear the field and type it", r)
		}
	}
	return nil
}

// invisible reports format characters that draw nothing (zero-width space
// U+200B, word joiner U+2060, byte order mark U+FEFF, soft hyphen U+00AD…):
// "Fab\u200brikam" looks like Fabrikam on every screen and invoice yet is
// another name. The zero-width joiner and non-joiner stay allowed: Persian,
// the Indic scripts and emoji need them to spell words.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) && r != '\u200C' && r != '\u200D'
}

// required trims s and checks it is present and well-formed text.
func required(s string, max int, what string) (string, error) {
	if err := checkText(s, max); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("enter the %s", what)
	}
	return s, nil
}

// ValidateEmail accepts a plain address like name@example.com.
func ValidateEmail(s string) error {
	s, err := required(s, MaxEmailLen, "e-mail address")
	if err != nil {
		return err
	}
	local, domain, ok := splitAt(s)
	if !ok || !validLocalPart(local, 64) {
		return errors.New("enter an e-mail address like name@example.com")
	}
	if !validHostname(domain) {
		return fmt.Errorf("the part after @ (%q) is not a valid domain, e.g. example.com", domain)
	}
	return nil
}

// ValidateUPN accepts a Microsoft login (user principal name) like
// admin@contoso.onmicrosoft.com.
func ValidateUPN(s string) error {
	s, err := required(s, MaxUPNLen, "login")
	if err != nil {
		return err
	}
	local, domain, ok := splitAt(s)
	if !ok || !validLocalPart(local, 64) {
		return errors.New("enter the login like admin@contoso.onmicrosoft.com")
	}
	if len(domain) > 48 || !validHostname(domain) {
		return fmt.Errorf("the part after @ (%q) is not a valid domain, e.g. contoso.onmicrosoft.com", domain)
	}
	return nil
}

func splitAt(s string) (local, domain string, ok bool) {
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || i == len(s)-1 || strings.Count(s, "@") != 1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// validLocalPart checks the dot-atom form of RFC 5322 (no quoted strings:
// Microsoft does not accept them either).
func validLocalPart(s string, max int) bool {
	if len(s) == 0 || len(s) > max || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && (isASCIIAlnum(byte(r)) || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r)):
		case r >= utf8.RuneSelf && unicode.IsLetter(r): // internationalised addresses
		default:
			return false
		}
	}
	return true
}

func validHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	labels := strings.Split(s, ".")
	if len(s) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r < utf8.RuneSelf && isASCIIAlnum(byte(r)) || r >= utf8.RuneSelf && unicode.IsLetter(r)) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return !strings.ContainsAny(tld[:1], "0123456789")
}

func isASCIIAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// ValidateInitialDomain accepts "contoso" or "contoso.onmicrosoft.com" and
// returns "contoso.onmicrosoft.com" in lower case. Microsoft's rule for the
// prefix: letters and digits only, at most 27 characters, starting with a letter.
func ValidateInitialDomain(s string) (string, error) {
	s, err := required(s, MaxInitialDomain+len(InitialDomainSuffix), "initial domain")
	if err != nil {
		return "", err
	}
	s = strings.ToLower(s)
	prefix := strings.TrimSuffix(s, InitialDomainSuffix)
	if strings.Contains(prefix, ".") {
		return "", errors.New("enter only the name before .onmicrosoft.com, e.g. contoso")
	}
	if prefix == "" {
		return "", errors.New("enter the name before .onmicrosoft.com, e.g. contoso")
	}
	if len(prefix) > MaxInitialDomain {
		return "", fmt.Errorf("too long: at most %d letters and digits before .onmicrosoft.com", MaxInitialDomain)
	}
	for i := 0; i < len(prefix); i++ {
		if !isASCIIAlnum(prefix[i]) {
			return "", errors.New("use only letters a-z and digits 0-9 (no spaces, hyphens or accents)")
		}
	}
	if prefix[0] < 'a' || prefix[0] > 'z' {
		return "", errors.New("start with a letter, e.g. contoso2")
	}
	return prefix + InitialDomainSuffix, nil
}

// ValidateCompanyName requires a name with at least one letter or digit.
func ValidateCompanyName(s string) error {
	s, err := required(s, MaxCompanyLen, "company name")
	if err != nil {
		return err
	}
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return errors.New("enter the company name with letters or digits")
	}
	return nil
}

// ValidatePersonName accepts letters (any script) with spaces, hyphens,
// apostrophes and dots, as in "Anne-Marie O'Neil Jr.".
func ValidatePersonName(s string) error {
	s, err := required(s, MaxPersonNameLen, "name")
	if err != nil {
		return err
	}
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.Mn, r), r == ' ', r == '-', r == '\'', r == '’', r == '.':
		default:
			return fmt.Errorf("use letters, spaces, hyphens and apostrophes only (not %q)", r)
		}
	}
	if letters == 0 {
		return errors.New("enter the name with letters")
	}
	return nil
}

// postalFormats are postal code patterns (upper-cased input) for countries
// where the format is fixed; others get a generic check.
var postalFormats = map[string]struct {
	re      *regexp.Regexp
	example string
}{
	"US": {regexp.MustCompile(`^\d{5}(-\d{4})?$`), "94105 or 94105-1234"},
	"CA": {regexp.MustCompile(`^[A-Z]\d[A-Z] ?\d[A-Z]\d$`), "K1A 0B1"},
	"GB": {regexp.MustCompile(`^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$`), "SW1A 1AA"},
	"IE": {regexp.MustCompile(`^[A-Z]\d[\dW] ?[A-Z\d]{4}$`), "D02 X285"},
	"DE": {regexp.MustCompile(`^\d{5}$`), "10115"},
	"FR": {regexp.MustCompile(`^\d{5}$`), "75001"},
	"IT": {regexp.MustCompile(`^\d{5}$`), "00184"},
	"ES": {regexp.MustCompile(`^\d{5}$`), "28013"},
	"NL": {regexp.MustCompile(`^\d{4} ?[A-Z]{2}$`), "1012 AB"},
	"BE": {regexp.MustCompile(`^\d{4}$`), "1000"},
	"AT": {regexp.MustCompile(`^\d{4}$`), "1010"},
	"CH": {regexp.MustCompile(`^\d{4}$`), "8001"},
	"DK": {regexp.MustCompile(`^\d{4}$`), "1050"},
	"PL": {regexp.MustCompile(`^\d{2}-\d{3}$`), "00-950"},
	"SE": {regexp.MustCompile(`^\d{3} ?\d{2}$`), "111 22"},
	"PT": {regexp.MustCompile(`^\d{4}-\d{3}$`), "1100-148"},
	"AU": {regexp.MustCompile(`^\d{4}$`), "2000"},
	"JP": {regexp.MustCompile(`^\d{3}-?\d{4}$`), "100-0001"},
	"IN": {regexp.MustCompile(`^\d{6}$`), "110001"},
}

var genericPostal = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]{1,10}$`)

// statesRequired are countries whose addresses need a state or province.
var statesRequired = map[string]bool{"US": true, "CA": true, "AU": true}

// UsesState reports whether addresses in country (ISO alpha-2) carry a
// state or province, so forms ask for one only there.
func UsesState(country string) bool {
	return statesRequired[strings.ToUpper(strings.TrimSpace(country))]
}

// ValidateAddress checks a postal address; the error is a *FieldErrors
// keyed by Address field names.
func ValidateAddress(a Address) error {
	fe := &FieldErrors{}
	_, err := required(a.Line1, MaxAddressLineLen, "street and number")
	fe.Add("Line1", err)
	fe.Add("Line2", checkText(a.Line2, MaxAddressLineLen))
	_, err = required(a.City, MaxCityLen, "city")
	fe.Add("City", err)
	country, cerr := validateCountry(a.Country)
	fe.Add("Country", cerr)
	fe.Add("State", validateState(a.State, country))
	if cerr == nil {
		fe.Add("PostalCode", ValidatePostalCode(a.PostalCode, country))
	}
	return fe.Err()
}

func validateCountry(s string) (string, error) {
	if err := checkText(s, 2); err != nil {
		return "", errors.New("choose the country from the list")
	}
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return "", errors.New("choose the country")
	}
	if _, ok := CountryByCode(c); !ok {
		return "", fmt.Errorf("unknown country %q: choose it from the list", c)
	}
	return c, nil
}

func validateState(s, country string) error {
	if err := checkText(s, MaxStateLen); err != nil {
		return err
	}
	if strings.TrimSpace(s) == "" && statesRequired[country] {
		return errors.New("enter the state or province")
	}
	return nil
}

// ValidatePostalCode checks a postal code against country's format.
func ValidatePostalCode(s, country string) error {
	s, err := required(s, MaxPostalCodeLen, "postal code")
	if err != nil {
		return err
	}
	s = strings.ToUpper(s)
	if f, ok := postalFormats[strings.ToUpper(country)]; ok {
		if !f.re.MatchString(s) {
			return fmt.Errorf("enter the postal code like %s", f.example)
		}
		return nil
	}
	if !genericPostal.MatchString(s) {
		return errors.New("enter the postal code with letters, digits, spaces or dashes")
	}
	return nil
}

// ValidateSeats checks n against the offer's seat bounds.
func ValidateSeats(o Offer, n int) error {
	if n < o.MinSeats || n > o.MaxSeats {
		return fmt.Errorf("choose between %d and %d seats", o.MinSeats, o.MaxSeats)
	}
	return nil
}
