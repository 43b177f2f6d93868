package ui

import "onboard/flow"

// formatMoney shows minor units as the currency is written ("€1,234.50",
// "¥1,000"); the currency comes from the provider's catalog, so it is
// cleaned like any foreign text.
func formatMoney(minor int64, currency string) string {
	return flow.FormatMoney(minor, sanitizeN(currency, 3))
}
