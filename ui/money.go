package ui

import (
	"strconv"
	"strings"
)

// formatMoney shows minor units as "EUR 1,234.50". Catalog prices are in
// cents-style minor units (two decimals).
func formatMoney(minor int64, currency string) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := groupThousands(minor/100) + "." + twoDigits(minor%100)
	if neg {
		s = "-" + s
	}
	if currency == "" {
		return s
	}
	return sanitizeN(currency, 3) + " " + s
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// groupThousands writes n with comma separators: 100000 → "100,000".
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
