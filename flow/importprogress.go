package flow

import (
	"fmt"
	"time"

	"onboard/i18n"
)

// estimateAfter is how long a step must have run before its rate is
// trusted for an estimate: the first pages of a listing are not typical.
const estimateAfter = 3 * time.Second

// Estimate says how long the step under way has left, from its rate since
// it was first reported. The zero value is ready to use.
type Estimate struct {
	step  string
	start time.Time
	done0 int
}

// Left is the time p's step has left at now, when it can be told: the
// step has a total, has run estimateAfter and has moved since it began.
func (e *Estimate) Left(p Progress, now time.Time) (time.Duration, bool) {
	if p.Step == "" {
		return 0, false // a notice, not a step
	}
	if p.Step != e.step {
		e.step, e.start, e.done0 = p.Step, now, p.Done
		return 0, false
	}
	ran := now.Sub(e.start)
	moved := p.Done - e.done0
	if p.Total <= p.Done || ran < estimateAfter || moved <= 0 {
		return 0, false
	}
	return time.Duration(float64(ran) * float64(p.Total-p.Done) / float64(moved)), true
}

// FormatLeft says a time left in words: "about 40 s left", "about 3 min left".
func FormatLeft(d time.Duration) string { return FormatLeftIn(nil, d) }

// FormatLeftIn is FormatLeft in l's language.
func FormatLeftIn(l *i18n.Localizer, d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return l.T("LeftFewSeconds")
	case d < 90*time.Second:
		return l.T("LeftAbout", "Time", fmt.Sprintf("%d s", int(d.Round(5*time.Second)/time.Second)))
	case d < 90*time.Minute:
		return l.T("LeftAbout", "Time", fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute)))
	}
	return l.T("LeftAbout", "Time", fmt.Sprintf("%d h", int(d.Round(time.Hour)/time.Hour)))
}
