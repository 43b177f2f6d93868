package flow

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"onboard/i18n"
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
		return i18n.E("ErrTooLong", "Max", max)
	}
	if !utf8.ValidString(s) {
		return i18n.E("ErrInvalidChars")
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return i18n.E("ErrControlChars")
		}
	}
	for _, r := range s {
		if invisible(r) {
			return i18n.E("ErrInvisibleChar", "Code", fmt.Sprintf("U+%04X", r))
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
	// what is the catalog id of the "enter the …" message.
	if err := checkText(s, max); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", i18n.E(what)
	}
	return s, nil
}

// ValidateEmail accepts a plain address like name@example.com.
func ValidateEmail(s string) error {
	s, err := required(s, MaxEmailLen, "ErrEnterEmail")
	if err != nil {
		return err
	}
	local, domain, ok := splitAt(s)
	if !ok || !validLocalPart(local, 64) {
		return i18n.E("ErrEmailLike")
	}
	if !validHostname(domain) {
		return i18n.E("ErrEmailDomain", "Domain", strconv.Quote(domain))
	}
	if tld, ok := knownTLD(domain); !ok {
		return i18n.E("ErrEmailTLD", "TLD", strconv.Quote("."+tld))
	}
	return nil
}

// ValidateEmailSyntax accepts what ValidateEmail accepts and also
// addresses whose top-level domain is unknown: it is for looking up an
// address stored earlier, which must be typed as it was stored.
func ValidateEmailSyntax(s string) error {
	err := ValidateEmail(s)
	var le *i18n.Error
	if errors.As(err, &le) && le.ID == "ErrEmailTLD" {
		return nil
	}
	return err
}

// knownTLD reports whether the last label of domain is a top-level domain
// of the public suffix list (ICANN's section), so that a typo such as
// "fabrikam.con" or "gmail.cmo" is caught while the customer is still at
// the terminal: confirmations sent there never arrive, and paying the order
// later needs the address as it was typed. The names reserved for
// documentation and tests (RFC 2606) are accepted too.
func knownTLD(domain string) (string, bool) {
	domain = strings.TrimSuffix(domain, ".")
	tld := strings.ToLower(domain[strings.LastIndexByte(domain, '.')+1:])
	if tld == "example" || tld == "test" {
		return tld, true
	}
	ascii, err := idna.Lookup.ToASCII(tld)
	if err != nil {
		return tld, false
	}
	if TLDKnown == nil {
		return tld, true
	}
	return tld, TLDKnown(ascii)
}

// TLDKnown reports whether tld (lower case, ASCII) is a top-level domain.
// The program sets it to internal/tlds.Known, the public suffix list,
// which flow cannot link itself (it brings net/http); nil accepts every
// top-level domain.
var TLDKnown func(tld string) bool

// ValidateUPN accepts a Microsoft login (user principal name) like
// admin@contoso.onmicrosoft.com.
func ValidateUPN(s string) error {
	s, err := required(s, MaxUPNLen, "ErrEnterLogin")
	if err != nil {
		return err
	}
	local, domain, ok := splitAt(s)
	if !ok || !validLocalPart(local, 64) {
		return i18n.E("ErrLoginLike")
	}
	if len(domain) > 48 || !validHostname(domain) {
		return i18n.E("ErrLoginDomain", "Domain", strconv.Quote(domain))
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
	s, err := required(s, MaxInitialDomain+len(InitialDomainSuffix), "ErrEnterInitialDomain")
	if err != nil {
		return "", err
	}
	s = strings.ToLower(s)
	prefix := strings.TrimSuffix(s, InitialDomainSuffix)
	if strings.Contains(prefix, ".") {
		return "", i18n.E("ErrDomainOnlyName")
	}
	if prefix == "" {
		return "", i18n.E("ErrDomainName")
	}
	if len(prefix) > MaxInitialDomain {
		return "", i18n.E("ErrDomainTooLong", "Max", MaxInitialDomain)
	}
	for i := 0; i < len(prefix); i++ {
		if !isASCIIAlnum(prefix[i]) {
			return "", i18n.E("ErrDomainChars")
		}
	}
	if prefix[0] < 'a' || prefix[0] > 'z' {
		return "", i18n.E("ErrDomainStart")
	}
	return prefix + InitialDomainSuffix, nil
}

// ValidateCompanyName requires a name with at least one letter or digit.
func ValidateCompanyName(s string) error {
	s, err := required(s, MaxCompanyLen, "ErrEnterCompany")
	if err != nil {
		return err
	}
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return i18n.E("ErrCompanyLetters")
	}
	return nil
}

// ValidatePersonName accepts letters (any script) with spaces, hyphens,
// apostrophes and dots, as in "Anne-Marie O'Neil Jr.".
func ValidatePersonName(s string) error {
	s, err := required(s, MaxPersonNameLen, "ErrEnterName")
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
			return i18n.E("ErrNameChars", "Char", strconv.QuoteRune(r))
		}
	}
	if letters == 0 {
		return i18n.E("ErrNameLetters")
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
	fe.Add("Line1", withLetters(a.Line1, MaxAddressLineLen, "ErrEnterStreet", "ErrStreetLetters"))
	fe.Add("Line2", checkText(a.Line2, MaxAddressLineLen))
	fe.Add("City", withLetters(a.City, MaxCityLen, "ErrEnterCity", "ErrCityLetters"))
	country, cerr := validateCountry(a.Country)
	fe.Add("Country", cerr)
	fe.Add("State", validateState(a.State, country))
	if cerr == nil {
		fe.Add("PostalCode", ValidatePostalCode(a.PostalCode, country))
	}
	return fe.Err()
}

// withLetters checks a required text that names something (a street, a
// city): a letter of any script must be in it, so a phone number typed in
// the wrong field is caught ("Straße 1", "東京" and "3 Rue d'Alésia" pass).
func withLetters(s string, max int, enter, letters string) error {
	s, err := required(s, max, enter)
	if err != nil {
		return err
	}
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return i18n.E(letters)
	}
	return nil
}

func validateCountry(s string) (string, error) {
	if err := checkText(s, 2); err != nil {
		return "", i18n.E("ErrCountryFromList")
	}
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return "", i18n.E("ErrChooseCountry")
	}
	if _, ok := CountryByCode(c); !ok {
		return "", i18n.E("ErrUnknownCountry", "Country", strconv.Quote(c))
	}
	return c, nil
}

func validateState(s, country string) error {
	if err := checkText(s, MaxStateLen); err != nil {
		return err
	}
	if strings.TrimSpace(s) == "" && statesRequired[country] {
		return i18n.E("ErrEnterState")
	}
	return nil
}

// ValidatePostalCode checks a postal code against country's format.
func ValidatePostalCode(s, country string) error {
	s, err := required(s, MaxPostalCodeLen, "ErrEnterPostalCode")
	if err != nil {
		return err
	}
	s = strings.ToUpper(s)
	if f, ok := postalFormats[strings.ToUpper(country)]; ok {
		if !f.re.MatchString(s) {
			return i18n.E("ErrPostalLike", "Example", f.example)
		}
		return nil
	}
	if !genericPostal.MatchString(s) {
		return i18n.E("ErrPostalChars")
	}
	return nil
}

// ValidateSeats checks n against the offer's seat bounds.
func ValidateSeats(o Offer, n int) error {
	if n < o.MinSeats || n > o.MaxSeats {
		return i18n.E("ErrSeatsBetween", "Min", o.MinSeats, "Max", o.MaxSeats)
	}
	return nil
}
