package flow

import (
	"fmt"
	"strings"
	"time"

	"onboard/i18n"
)

// LabelIn is the step's label in l's language. Label is the English the
// pipeline wrote, and stays as written in English; other languages get the
// catalog's words for the step.
func (p Progress) LabelIn(l *i18n.Localizer) string {
	if l.Lang() == i18n.Default {
		return p.Label
	}
	if strings.HasPrefix(p.Label, "Done: ") && p.Step != "done" {
		return l.T("ProgressDoneStep", "Step", stepLabelIn(l, p.Step))
	}
	switch {
	case p.Step == "done":
		return l.T("ProgressDone")
	case p.Step == stepLink:
		return l.T("ProgressLink")
	case p.Step == stepDomains:
		return l.T("ProgressDomains")
	case p.Step == stepUsers:
		return l.T("ProgressUsers")
	case p.Step == stepGDAP:
		return l.T("ProgressGDAP")
	case p.Step == stepAgreement:
		return l.T("ProgressAgreement")
	case strings.HasPrefix(p.Step, "line:"):
		if name, ok := strings.CutPrefix(p.Label, "Setting up "); ok {
			return l.T("ProgressLine", "Name", name)
		}
	}
	return p.Label
}

func stepLabelIn(l *i18n.Localizer, step string) string {
	switch {
	case step == stepLink:
		return l.T("StepLabelLink")
	case step == stepDomains:
		return l.T("StepLabelDomains")
	case step == stepUsers:
		return l.T("StepLabelUsers")
	case step == stepGDAP:
		return l.T("StepLabelGDAP")
	case step == stepAgreement:
		return l.T("StepLabelAgreement")
	case strings.HasPrefix(step, "line:"):
		return l.T("StepLabelLines")
	}
	return l.T("StepLabelProcessing")
}

// NoticeIn is the notice in l's language: Microsoft's pauses are said
// with their delay ("Microsoft hat um 57 s Geduld gebeten").
func (p Progress) NoticeIn(l *i18n.Localizer) string {
	if p.wait == nil {
		return p.Notice
	}
	d := formatWaitIn(l, p.wait.Delay)
	if p.wait.Asked {
		return l.T("WaitAsked", "Delay", d)
	}
	return l.T("WaitNoAnswer", "Delay", d)
}

// formatWaitIn is msapi.FormatWait in l's words ("57 s", "2 min 5 s").
func formatWaitIn(l *i18n.Localizer, d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	switch {
	case secs < 60:
		return fmt.Sprintf("%d s", secs)
	case secs%60 == 0:
		return fmt.Sprintf("%d min", secs/60)
	}
	return fmt.Sprintf("%d min %d s", secs/60, secs%60)
}

// CountOf is "12,400 of 100,000" in l's words and number format.
func CountOf(l *i18n.Localizer, done, total int) string {
	return l.T("CountOf", "Done", l.Number(done), "Total", l.Number(total))
}

// ExplainIn is the payment state in l's language.
func (p PaymentState) ExplainIn(l *i18n.Localizer) string {
	switch p {
	case PaymentPaid:
		return l.T("PaymentPaid")
	case PaymentDeclined:
		return l.T("PaymentDeclined")
	case PaymentExpired:
		return l.T("PaymentExpired")
	}
	return l.T("PaymentWaiting")
}
