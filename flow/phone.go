package flow

import (
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"onboard/i18n"
)

// Country is a country the wizard knows, for addresses and phone numbers
// (whose rules are libphonenumber's, by the code).
type Country struct {
	Code string // ISO 3166-1 alpha-2
	Name string
}

var countries = []Country{
	{"AE", "United Arab Emirates"},
	{"AR", "Argentina"},
	{"AT", "Austria"},
	{"AU", "Australia"},
	{"BE", "Belgium"},
	{"BG", "Bulgaria"},
	{"BR", "Brazil"},
	{"CA", "Canada"},
	{"CH", "Switzerland"},
	{"CN", "China"},
	{"CY", "Cyprus"},
	{"CZ", "Czechia"},
	{"DE", "Germany"},
	{"DK", "Denmark"},
	{"EE", "Estonia"},
	{"ES", "Spain"},
	{"FI", "Finland"},
	{"FR", "France"},
	{"GB", "United Kingdom"},
	{"GR", "Greece"},
	{"HK", "Hong Kong"},
	{"HR", "Croatia"},
	{"HU", "Hungary"},
	{"IE", "Ireland"},
	{"IL", "Israel"},
	{"IN", "India"},
	{"IS", "Iceland"},
	{"IT", "Italy"},
	{"JP", "Japan"},
	{"KR", "South Korea"},
	{"LT", "Lithuania"},
	{"LU", "Luxembourg"},
	{"LV", "Latvia"},
	{"MT", "Malta"},
	{"MX", "Mexico"},
	{"NL", "Netherlands"},
	{"NO", "Norway"},
	{"NZ", "New Zealand"},
	{"PL", "Poland"},
	{"PT", "Portugal"},
	{"RO", "Romania"},
	{"SA", "Saudi Arabia"},
	{"SE", "Sweden"},
	{"SG", "Singapore"},
	{"SI", "Slovenia"},
	{"SK", "Slovakia"},
	{"TR", "Turkey"},
	{"UA", "Ukraine"},
	{"US", "United States"},
	{"ZA", "South Africa"},
}

var countryIndex = func() map[string]Country {
	m := make(map[string]Country, len(countries))
	for _, c := range countries {
		m[c.Code] = c
	}
	return m
}()

// Countries lists the known countries sorted by name (a copy).
func Countries() []Country {
	out := append([]Country(nil), countries...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CountryName is the country's name in l's language: the list's own
// name in English, CLDR's (golang.org/x/text/language/display) in others.
func CountryName(l *i18n.Localizer, code string) string {
	c, ok := CountryByCode(code)
	if !ok {
		return code
	}
	if l.Lang() == i18n.Default {
		return c.Name
	}
	r, err := language.ParseRegion(c.Code)
	if err != nil {
		return c.Name
	}
	if n := display.Regions(language.Make(l.Lang())).Name(r); n != "" {
		return n
	}
	return c.Name
}

// CountryByCode looks a country up by ISO alpha-2 code (any case).
func CountryByCode(code string) (Country, bool) {
	c, ok := countryIndex[strings.ToUpper(strings.TrimSpace(code))]
	return c, ok
}

// maxE164Digits is E.164's limit, country code included.
const maxE164Digits = 15

// ValidatePhone accepts a number typed with spaces, dashes, dots and
// parentheses, in international form (+ or 00) or national form for country,
// and returns it in E.164 (+4930123456). Whether the number can exist —
// its length and ranges, per country — is libphonenumber's metadata
// (github.com/nyaruka/phonenumbers), kept up to date upstream; a refusal
// shows an example number of the country.
func ValidatePhone(number, country string) (string, error) {
	s, err := required(number, MaxPhoneLen, "ErrEnterPhone")
	if err != nil {
		return "", err
	}
	digits, intl, err := phoneDigits(s)
	if err != nil {
		return "", err
	}
	region := strings.ToUpper(strings.TrimSpace(country))
	if _, ok := CountryByCode(region); !ok {
		if !intl {
			return "", i18n.E("ErrPhoneCountry")
		}
		region = ""
	}
	if intl {
		digits = "+" + digits
	}
	n, err := phonenumbers.Parse(digits, region)
	switch {
	case (intl && (len(digits) < 2 || digits[1] == '0')) || errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "", i18n.E("ErrPhoneCode")
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "", i18n.E("ErrPhoneLong", "Example", phoneExample(region))
	case err != nil:
		return "", i18n.E("ErrPhoneShort", "Example", phoneExample(region))
	}
	// The example is of the chosen country when the number is one of its
	// (or of a country sharing its calling code), else of the number's.
	ex := region
	if ex == "" || int(n.GetCountryCode()) != phonenumbers.GetCountryCodeForRegion(ex) {
		ex = phonenumbers.GetRegionCodeForCountryCode(int(n.GetCountryCode()))
	}
	switch phonenumbers.IsPossibleNumberWithReason(n) {
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "", i18n.E("ErrPhoneCode")
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return "", i18n.E("ErrPhoneShort", "Example", phoneExample(ex))
	case phonenumbers.TOO_LONG:
		return "", i18n.E("ErrPhoneLong", "Example", phoneExample(ex))
	}
	if !phonenumbers.IsValidNumber(n) {
		// Countries with numbers of many lengths allow short ones: shorter
		// than the example is most likely a number typed without its area code.
		if sample := phoneSample(ex); sample != nil &&
			len(phonenumbers.GetNationalSignificantNumber(n)) < len(phonenumbers.GetNationalSignificantNumber(sample)) {
			return "", i18n.E("ErrPhoneShort", "Example", phoneExample(ex))
		}
		return "", i18n.E("ErrPhoneInvalid", "Example", phoneExample(ex))
	}
	e164 := phonenumbers.Format(n, phonenumbers.E164)
	if len(e164)-1 > maxE164Digits { // some countries' ranges are open-ended
		return "", i18n.E("ErrPhoneLong", "Example", phoneExample(ex))
	}
	return e164, nil
}

// phoneExample is an example number of region in international form, as
// libphonenumber gives it ("+49 30 123456").
func phoneExample(region string) string {
	n := phoneSample(region)
	if n == nil {
		return "+49 30 123456"
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

// phoneSample is libphonenumber's example landline of region; nil when none.
func phoneSample(region string) *phonenumbers.PhoneNumber {
	if n := phonenumbers.GetExampleNumberForType(region, phonenumbers.FIXED_LINE); n != nil {
		return n
	}
	return phonenumbers.GetExampleNumber(region)
}

// phoneDigits strips separators and the international prefix.
func phoneDigits(s string) (digits string, intl bool, err error) {
	switch {
	case strings.HasPrefix(s, "+"):
		s, intl = s[1:], true
	case strings.HasPrefix(s, "00"):
		s, intl = s[2:], true
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/':
		default:
			return "", false, i18n.E("ErrPhoneChars", "Char", strconv.QuoteRune(r))
		}
	}
	return b.String(), intl, nil
}
