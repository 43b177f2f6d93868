package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// previewer is implemented by backends that can say, before payment, which
// lines convert the tenant's trial and which buy a new subscription.
// previewMsg carries the preview of an order; a failed preview shows
// nothing (it only informs).
type previewMsg struct {
	orderID string
	lines   []flow.LinePreview
}

func fetchPreview(c *common) tea.Cmd {
	p := c.backend
	if c.order.TenantID == "" {
		return nil
	}
	ctx, id := c.ctx, c.order.ID
	return func() tea.Msg {
		lines, _ := p.Preview(ctx, id)
		return previewMsg{orderID: id, lines: lines}
	}
}

// previewNotes says what processing will do with each line, warning when
// fewer seats than the trial's users are bought.
func previewNotes(c *common, width int, lines []flow.LinePreview) string {
	st := c.styles
	if len(lines) == 0 {
		return ""
	}
	b := strings.Builder{}
	b.WriteString("\n")
	for _, p := range lines {
		name := sanitizeN(p.Name, 60)
		switch {
		case p.Short() > 0:
			b.WriteString("\n" + st.Warning.Width(width).Render(c.n("PreviewShort", p.Short(),
				"Name", name, "Users", c.loc.Number(p.TrialUsers), "Seats", c.loc.Number(p.Seats))))
		case p.ConvertsTrial:
			b.WriteString("\n" + st.Subtle.Width(width).Render(c.n("PreviewConverts", p.TrialUsers, "Name", name)))
		default:
			b.WriteString("\n" + st.Subtle.Width(width).Render(c.t("PreviewNew", "Name", name)))
		}
	}
	return b.String()
}
