package flow

import (
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"onboard/i18n"
)

// Country is a country the wizard knows: for addresses and phone numbers.
type Country struct {
	Code        string // ISO 3166-1 alpha-2
	Name        string
	CallingCode string // without +
	Trunk       string // national trunk prefix dropped in international form ("" when none)
}

var countries = []Country{
	{"AE", "United Arab Emirates", "971", "0"},
	{"AR", "Argentina", "54", "0"},
	{"AT", "Austria", "43", "0"},
	{"AU", "Australia", "61", "0"},
	{"BE", "Belgium", "32", "0"},
	{"BG", "Bulgaria", "359", "0"},
	{"BR", "Brazil", "55", "0"},
	{"CA", "Canada", "1", "1"},
	{"CH", "Switzerland", "41", "0"},
	{"CN", "China", "86", "0"},
	{"CY", "Cyprus", "357", ""},
	{"CZ", "Czechia", "420", ""},
	{"DE", "Germany", "49", "0"},
	{"DK", "Denmark", "45", ""},
	{"EE", "Estonia", "372", ""},
	{"ES", "Spain", "34", ""},
	{"FI", "Finland", "358", "0"},
	{"FR", "France", "33", "0"},
	{"GB", "United Kingdom", "44", "0"},
	{"GR", "Greece", "30", ""},
	{"HK", "Hong Kong", "852", ""},
	{"HR", "Croatia", "385", "0"},
	{"HU", "Hungary", "36", "06"},
	{"IE", "Ireland", "353", "0"},
	{"IL", "Israel", "972", "0"},
	{"IN", "India", "91", "0"},
	{"IS", "Iceland", "354", ""},
	{"IT", "Italy", "39", ""}, // the leading 0 of landlines is part of the number
	{"JP", "Japan", "81", "0"},
	{"KR", "South Korea", "82", "0"},
	{"LT", "Lithuania", "370", "0"},
	{"LU", "Luxembourg", "352", ""},
	{"LV", "Latvia", "371", ""},
	{"MT", "Malta", "356", ""},
	{"MX", "Mexico", "52", ""},
	{"NL", "Netherlands", "31", "0"},
	{"NO", "Norway", "47", ""},
	{"NZ", "New Zealand", "64", "0"},
	{"PL", "Poland", "48", ""},
	{"PT", "Portugal", "351", ""},
	{"RO", "Romania", "40", "0"},
	{"SA", "Saudi Arabia", "966", "0"},
	{"SE", "Sweden", "46", "0"},
	{"SG", "Singapore", "65", ""},
	{"SI", "Slovenia", "386", "0"},
	{"SK", "Slovakia", "421", "0"},
	{"TR", "Turkey", "90", "0"},
	{"UA", "Ukraine", "380", "0"},
	{"US", "United States", "1", "1"},
	{"ZA", "South Africa", "27", "0"},
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

// E.164 allows at most 15 digits; below 8 no real subscriber number fits.
const (
	minE164Digits = 8
	maxE164Digits = 15
)

// ValidatePhone accepts a number typed with spaces, dashes, dots and
// parentheses, in international form (+ or 00) or national form for country,
// and returns it in E.164 (+4930123456).
func ValidatePhone(number, country string) (string, error) {
	s, err := required(number, MaxPhoneLen, "ErrEnterPhone")
	if err != nil {
		return "", err
	}
	digits, intl, err := phoneDigits(s)
	if err != nil {
		return "", err
	}
	if !intl {
		c, ok := CountryByCode(country)
		if !ok {
			return "", i18n.E("ErrPhoneCountry")
		}
		if c.Trunk != "" && strings.HasPrefix(digits, c.Trunk) {
			digits = digits[len(c.Trunk):]
		}
		digits = c.CallingCode + digits
	}
	if digits == "" || digits[0] == '0' {
		return "", i18n.E("ErrPhoneCode")
	}
	if len(digits) < minE164Digits {
		return "", i18n.E("ErrPhoneShort")
	}
	if len(digits) > maxE164Digits {
		return "", i18n.E("ErrPhoneLong", "Max", maxE164Digits)
	}
	return "+" + digits, nil
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
