package sandbox

import (
	"strconv"
	"strings"
)

// currencyInfo is what the sandbox knows of an ISO 4217 currency.
type currencyInfo struct {
	exponent int    // digits of the minor unit
	symbol   string // printed before the amount
}

// currencies the sandbox accepts: a small table, as a gateway supports a
// list of settlement currencies rather than all of ISO 4217.
var currencies = map[string]currencyInfo{
	"EUR": {2, "€"},
	"USD": {2, "$"},
	"GBP": {2, "£"},
	"CHF": {2, "CHF "},
	"SEK": {2, "SEK "},
	"NOK": {2, "NOK "},
	"DKK": {2, "DKK "},
	"PLN": {2, "PLN "},
	"CZK": {2, "CZK "},
	"CAD": {2, "CA$"},
	"AUD": {2, "A$"},
	"JPY": {0, "¥"},
}

// formatAmount renders minor units for people: formatAmount(123450, "EUR")
// is "€1,234.50".
func formatAmount(minor int64, code string) string {
	info, ok := currencies[code]
	if !ok {
		return strconv.FormatInt(minor, 10) + " " + code
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	unit := int64(1)
	for range info.exponent {
		unit *= 10
	}
	major := groupThousands(strconv.FormatInt(minor/unit, 10))
	if info.exponent == 0 {
		return sign + info.symbol + major
	}
	frac := strconv.FormatInt(minor%unit, 10)
	frac = strings.Repeat("0", info.exponent-len(frac)) + frac
	return sign + info.symbol + major + "." + frac
}

func groupThousands(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
