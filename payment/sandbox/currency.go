package sandbox

import (
	"strconv"
	"strings"

	"github.com/bojanz/currency"
)

// currencies the sandbox accepts: a small list, as a gateway supports a
// list of settlement currencies rather than all of ISO 4217.
var currencies = map[string]bool{
	"EUR": true, "USD": true, "GBP": true, "CHF": true, "SEK": true, "NOK": true,
	"DKK": true, "PLN": true, "CZK": true, "CAD": true, "AUD": true, "JPY": true,
}

// pageFormatter writes amounts as the page's language (English) does, from
// CLDR data.
var pageFormatter = currency.NewFormatter(currency.NewLocale("en"))

// formatAmount renders minor units for people: formatAmount(123450, "EUR")
// is "€1,234.50", formatAmount(1000, "JPY") is "¥1,000".
func formatAmount(minor int64, code string) string {
	amt, err := currency.NewAmountFromInt64(minor, code)
	if err != nil || !currencies[code] {
		return strconv.FormatInt(minor, 10) + " " + code
	}
	return strings.ReplaceAll(pageFormatter.Format(amt), "\u00a0", " ")
}
