package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
)

type (
	progressMsg struct {
		gen int
		p   flow.Progress
		ch  <-chan tea.Msg
	}
	processedMsg struct {
		gen int
		res flow.Result
		err error
	}
)

// stepProgress is one pipeline step as last reported.
type stepProgress struct {
	flow.Progress
	bar progress.Model
}

// processingScreen runs the order's pipeline and shows a bar per step.
// Process runs in a goroutine; its progress comes through a channel that a
// command reads one message at a time, so Update never blocks.
type processingScreen struct {
	c       *common
	spin    spinner.Model
	steps   []*stepProgress
	notice  string // e.g. "Microsoft asked us to wait 57 s", while it lasts
	index   map[string]int
	running bool
	cancel  context.CancelFunc
	gen     int
	err     error
	// estimate and left: the time the step under way has left, once its
	// rate can tell (long imports).
	estimate flow.Estimate
	left     string
}

func (s *processingScreen) step() flow.StepID {
	if s.c.agentMode() {
		return flow.StepCreate // the agent's create step processes under process-immediately
	}
	return flow.StepProcessing
}
func (s *processingScreen) title() string { return s.c.t("ProcessingTitle") }
func (s *processingScreen) help() []key.Binding {
	if s.err != nil {
		return []key.Binding{s.c.keys.Retry, s.c.keys.Quit}
	}
	return []key.Binding{s.c.keys.Quit}
}

func (s *processingScreen) enter() tea.Cmd {
	s.spin = newSpinner()
	return s.start(s.c.order.Status == flow.StatusFailed)
}

// start runs the pipeline; retry first moves a failed order back to the
// step that failed (finished steps are recorded and not repeated).
func (s *processingScreen) start(retry bool) tea.Cmd {
	if s.cancel != nil {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.cancel, s.running, s.err = cancel, true, nil
	s.steps, s.index = nil, map[string]int{}
	s.gen++
	gen, b, id := s.gen, s.c.backend, s.c.order.ID
	if id == "" {
		id = s.c.answers.OrderID
	}
	ch := make(chan tea.Msg, 64)
	go func() {
		defer close(ch)
		if retry {
			if _, err := b.Retry(ctx, id); err != nil && !errors.Is(err, flow.ErrIllegalTransition) && !errors.Is(err, flow.ErrLeaseHeld) {
				ch <- processedMsg{gen: gen, err: err}
				return
			}
		}
		res, err := b.Process(ctx, id, func(p flow.Progress) {
			select {
			case ch <- progressMsg{gen: gen, p: p, ch: ch}:
			case <-ctx.Done():
			}
		})
		ch <- processedMsg{gen: gen, res: res, err: err}
	}()
	return tea.Batch(s.spin.Tick, readChan(ch))
}

// readChan waits for the pipeline's next message.
func readChan(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func (s *processingScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !s.running {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case progressMsg:
		if msg.gen != s.gen {
			return nil
		}
		s.report(msg.p)
		return readChan(msg.ch)
	case processedMsg:
		if msg.gen != s.gen {
			return nil
		}
		s.running = false
		s.cancel()
		if msg.err != nil {
			s.err = msg.err
			return nil
		}
		s.c.result, s.c.assigned = msg.res, 0
		s.c.order = msg.res.Order
		return s.c.forward(flow.StepProcessing)
	case tea.KeyPressMsg:
		if s.err != nil && key.Matches(msg, s.c.keys.Retry) {
			return s.start(true)
		}
	}
	return nil
}

func (s *processingScreen) report(p flow.Progress) {
	if p.Step == "done" {
		return // the summary screen follows
	}
	if p.Step == "" {
		s.notice = p.NoticeIn(s.c.loc) // a pause Microsoft asked for, or its end
		return
	}
	s.left = ""
	if d, ok := s.estimate.Left(p, time.Now()); ok {
		s.left = flow.FormatLeftIn(s.c.loc, d)
	}
	i, ok := s.index[p.Step]
	if !ok {
		bar := progress.New(progress.WithWidth(maxBar), progress.WithoutPercentage())
		if s.c.styles.noColor {
			bar = progress.New(progress.WithWidth(maxBar), progress.WithoutPercentage(), progress.WithFillCharacters('#', '.'))
		}
		s.steps = append(s.steps, &stepProgress{bar: bar})
		i = len(s.steps) - 1
		s.index[p.Step] = i
	}
	s.steps[i].Progress = p
}

func (s *processingScreen) view() string {
	st := s.c.styles
	var b strings.Builder
	intro := ansi.Wordwrap(s.c.t("ProcessingIntro", "Number", sanitizeN(s.c.order.Number, 30)), s.c.bodyWidth(), "")
	b.WriteString(intro + "\n\n")
	rows := max(s.c.bodyHeight()-7-strings.Count(intro, "\n"), 1)
	first := max(len(s.steps)-rows, 0) // the latest steps matter most
	shown := s.steps[first:]
	labels, counts := make([]string, len(shown)), make([]string, len(shown))
	col := minLabel
	for i, sp := range shown {
		// A step is finished once a later one reported: the pipeline runs
		// its steps one after another.
		labels[i], counts[i] = s.stepText(sp, first+i < len(s.steps)-1)
		col = max(col, ansi.StringWidth(strings.TrimSpace(labels[i]+" "+counts[i])))
	}
	// One column for the texts, as wide as the longest (at least minLabel,
	// so bars rarely move as steps appear), so the bars line up; a narrow
	// terminal or a long translation shortens the bars first (to minBar),
	// then the labels, never the counts.
	col = min(col, s.c.bodyWidth()-markWidth-1-minBar)
	bar := min(maxBar, s.c.bodyWidth()-markWidth-1-col)
	for i, sp := range shown {
		later := first+i < len(s.steps)-1
		b.WriteString(s.stepLine(sp, later, labels[i], counts[i], col, bar) + "\n")
		if !later && s.left != "" && s.running {
			b.WriteString("  " + st.Subtle.Render(s.left) + "\n")
		}
	}
	if len(s.steps) == 0 && s.running {
		b.WriteString(strings.TrimSpace(s.spin.View()) + " " + s.c.t("Starting") + "\n")
	}
	if s.notice != "" && s.running {
		b.WriteString("\n" + st.Warning.Render(sanitizeN(s.notice, 60)) + "\n")
	}
	if s.err != nil {
		b.WriteString("\n" + st.Error.Width(s.c.bodyWidth()).Render(s.errorText()))
	}
	return b.String()
}

// The bars' widths: maxBar where the line has room, never under minBar.
const (
	maxBar    = 30
	minBar    = 10
	minLabel  = 34
	markWidth = 2 // "✓ " or the spinner and a space
)

// stepText is a step's label and its count. A finished step that did not
// report its last item (a later step started) shows what it reported
// without "0 of 1".
func (s *processingScreen) stepText(sp *stepProgress, later bool) (label, count string) {
	p := sp.Progress
	label = sanitizeN(p.LabelIn(s.c.loc), 60)
	if s.c.agentMode() {
		label = sanitizeN(p.AgentLabelIn(s.c.loc), 60)
	}
	switch {
	case p.Total > 0 && (!later || p.Done >= p.Total):
		count = flow.CountOf(s.c.loc, p.Done, p.Total)
	case p.Done > 0:
		count = s.c.loc.Number(p.Done)
	}
	return label, count
}

func (s *processingScreen) stepLine(sp *stepProgress, later bool, label, count string, col, barWidth int) string {
	p := sp.Progress
	var pct float64
	if p.Total > 0 {
		pct = float64(p.Done) / float64(p.Total)
	}
	done := later || (p.Total > 0 && p.Done >= p.Total)
	if done {
		pct = 1
	}
	mark := "  "
	if done {
		mark = s.c.styles.Success.Render("✓ ")
	} else if s.running {
		mark = strings.TrimSpace(s.spin.View()) + " "
	}
	text := ansi.Truncate(label, col, "…")
	if count != "" {
		text = ansi.Truncate(label, max(col-ansi.StringWidth(count)-1, 1), "…") + " " + count
	}
	text += strings.Repeat(" ", max(col-ansi.StringWidth(text), 0))
	sp.bar.SetWidth(max(barWidth, minBar))
	return mark + text + " " + sp.bar.ViewAs(min(pct, 1))
}

func (s *processingScreen) errorText() string {
	num := sanitizeN(s.c.order.Number, 30)
	if errors.Is(s.err, flow.ErrNotReady) && s.c.order.Policy == flow.PolicyManualApproval {
		return s.c.t("ProcessingAwaitsApproval", "Number", num, "Provider", sanitizeN(s.c.provider, 40))
	}
	return s.c.t("ProcessingStopped", "Why", explained(s.c.explain(s.err)), "Number", num)
}
