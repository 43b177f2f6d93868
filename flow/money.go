package flow

import (
	"strconv"
	"strings"
	"sync"

	"github.com/bojanz/currency"

	"onboard/i18n"
)

// DefaultLocale formats money until the customer's language is known.
const DefaultLocale = "en"

// PeriodMonth is what a catalog price buys: one seat for one month
// (Offer.UnitPrice), whatever the term and billing cycle.
const PeriodMonth = "month"

// formatters are CLDR currency formatters by locale; a Formatter is only
// read once built, so one per locale serves every goroutine.
var formatters sync.Map // locale id → *currency.Formatter

func formatter(locale string) *currency.Formatter {
	if f, ok := formatters.Load(locale); ok {
		return f.(*currency.Formatter)
	}
	f, _ := formatters.LoadOrStore(locale, currency.NewFormatter(currency.NewLocale(locale)))
	return f.(*currency.Formatter)
}

// FormatMoney shows minor units of an ISO 4217 currency as the "en"
// locale writes them: FormatMoney(20600, "EUR") is "€206.00",
// FormatMoney(1000, "JPY") is "¥1,000" (the currency's own decimals).
func FormatMoney(minor int64, cur string) string {
	return FormatMoneyIn(DefaultLocale, minor, cur)
}

// FormatMoneyIn is FormatMoney in a CLDR locale ("de": "206,00 €").
// An unknown currency code is shown as the code and the amount with two
// decimals; no code, the amount alone.
func FormatMoneyIn(locale string, minor int64, cur string) string {
	cur = strings.ToUpper(strings.TrimSpace(cur))
	if cur == "" {
		return plainMinor(minor)
	}
	amt, err := currency.NewAmountFromInt64(minor, cur)
	if err != nil {
		return cur + " " + plainMinor(minor)
	}
	// CLDR separates with no-break spaces (U+00A0, U+202F); on a terminal
	// a plain space reads the same and keeps copied text plain.
	return nbsp.Replace(formatter(locale).Format(amt))
}

var nbsp = strings.NewReplacer("\u00a0", " ", "\u202f", " ")

// FormatPrice is a price with the period it buys: "€20.60 per month".
func FormatPrice(minor int64, cur, period string) string {
	return FormatMoney(minor, cur) + " per " + period
}

// FormatPriceIn is FormatPrice in l's language and locale: "20,60 € pro Monat".
func FormatPriceIn(l *i18n.Localizer, minor int64, cur string) string {
	return l.T("PricePerMonth", "Price", FormatMoneyIn(l.Lang(), minor, cur))
}

// plainMinor writes minor units with two decimals: -150 → "-1.50".
func plainMinor(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return sign + FormatCount(minor/100) + "." + strconv.FormatInt(minor%100+100, 10)[1:]
}
