package store

import (
	"fmt"
	"time"
)

// timeLayout is RFC 3339 in UTC with a fixed nine-digit fraction: unlike
// RFC3339Nano it has a constant width, so text comparison in SQL
// (ORDER BY, >=) is time comparison.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// orNow returns t, or now when t is zero.
func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
