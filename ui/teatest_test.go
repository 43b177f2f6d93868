package ui

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi"
)

// viewProbe keeps the latest frame the program drew and signals each new
// one, so the test waits on what the customer would see rather than on
// renderer output. No frame is lost: a test that was not waiting when its
// frame came finds it as the latest.
type viewProbe struct {
	*Model
	frames *frames
}

type frames struct {
	mu     sync.Mutex
	latest string
	drawn  chan struct{} // one pending signal: a new frame since the last look
}

func (p viewProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func (p viewProbe) View() tea.View {
	v := p.Model.View()
	p.frames.mu.Lock()
	p.frames.latest = ansi.Strip(v.Content)
	p.frames.mu.Unlock()
	select {
	case p.frames.drawn <- struct{}{}:
	default: // a signal is already pending
	}
	return v
}

// waitView waits until the latest drawn frame contains want. The time
// limit only turns a hang into a failure that shows the screen.
func waitView(t *testing.T, f *frames, want string) {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		f.mu.Lock()
		last := f.latest
		f.mu.Unlock()
		if strings.Contains(last, want) {
			return
		}
		select {
		case <-f.drawn:
		case <-timeout:
			t.Fatalf("never showed %q; last frame:\n%s", want, last)
		}
	}
}

func TestSelfServiceFlowInProgram(t *testing.T) {
	w := newWorld(t, nil)
	br := w.br
	m := New(Options{Backend: w.svc, Catalog: w.svc.Catalog, Browser: br, Terminal: "kiosk-1",
		NoColor: true, PollInterval: time.Millisecond, Provider: "Northwind Cloud"})
	probe := viewProbe{Model: m, frames: &frames{drawn: make(chan struct{}, 1)}}
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(80, 24), teatest.WithProgramOptions(tea.WithoutCatchPanics()))
	frames := probe.frames

	waitView(t, frames, "Choose licenses")
	tm.Type("+")
	waitView(t, frames, "€5.60      ‹1›")
	tm.Type("+")
	waitView(t, frames, "€11.20")
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "Use existing Microsoft account")
	tm.Send(keyMsg("enter"))

	fields := []string{"Contoso Ltd", "Ada", "Lovelace", "ada@contoso.com"}
	titles := []string{"First name", "Last name", "E-mail", "Country"}
	waitView(t, frames, "Company name")
	for i, v := range fields {
		tm.Send(tea.PasteMsg{Content: v})
		waitView(t, frames, v)
		tm.Send(keyMsg("enter"))
		waitView(t, frames, "┃ "+titles[i])
	}
	tm.Type("/Germ")
	waitView(t, frames, "Germany (DE)")
	tm.Send(keyMsg("enter")) // choose the filtered country
	waitView(t, frames, "┃ Phone")
	tm.Send(tea.PasteMsg{Content: "030 1234567"})
	waitView(t, frames, "030 1234567")
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "┃ Street and number")
	for i, v := range []string{"Unter den Linden 1", "Berlin"} {
		tm.Send(tea.PasteMsg{Content: v})
		waitView(t, frames, v)
		tm.Send(keyMsg("enter"))
		waitView(t, frames, "┃ "+[]string{"City", "Postal code"}[i])
	}
	tm.Send(tea.PasteMsg{Content: "10117"})
	waitView(t, frames, "10117")
	tm.Send(keyMsg("enter")) // no state or province in Germany

	waitView(t, frames, "Microsoft Customer Agreement")
	tm.Type("y")
	waitView(t, frames, "Administrator login")
	tm.Send(tea.PasteMsg{Content: contosoAdmin})
	waitView(t, frames, "> "+contosoAdmin)
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "┃ Password")
	tm.Send(tea.PasteMsg{Content: contosoPassword})
	waitView(t, frames, "> "+strings.Repeat("*", len(contosoPassword)))
	tm.Send(keyMsg("enter"))

	waitView(t, frames, "Waiting for Microsoft to confirm")
	tm.Send(keyMsg("enter")) // opens the invitation page
	waitView(t, frames, "Opened in your browser")
	w.accept()
	waitView(t, frames, "Waiting for the approval") // the admin relationship is requested
	if err := w.ms.MS.ApproveGDAP(contosoDomain, contosoAdmin, contosoPassword); err != nil {
		t.Fatal(err)
	}
	waitView(t, frames, "Review your order")
	tm.Send(keyMsg("enter")) // opens the checkout page
	waitView(t, frames, "Waiting for the payment")
	waitView(t, frames, "Opened in your browser") // the checkout page is open
	w.pay(testworld.TestCard)
	waitView(t, frames, "Your licenses are ready")
	waitView(t, frames, "Order number: ORD-000001")
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "25 of 25 users")
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "1 chosen, 1 of 2 free")
	tm.Send(keyMsg("ctrl+s"))
	waitView(t, frames, "1 license assigned")
	tm.Send(keyMsg("ctrl+q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(time.Minute))

	opened := br.all()
	if len(opened) != 2 || opened[0] != w.invitationURL() || !strings.HasPrefix(opened[1], "http://"+testworld.PayHost+"/") {
		t.Fatalf("browser opened %q, want the invitation then the checkout", opened)
	}
	o, err := w.db.GetOrderByNumber(context.Background(), "ORD-000001")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != flow.StatusCompleted {
		t.Fatalf("order status = %s", o.Status)
	}
	// Microsoft's record: the first user in the list holds a Basic license.
	lics, err := w.ms.Client(t).UserLicenses(context.Background(), o.TenantID, firstUser(t, w, o.TenantID))
	if err != nil {
		t.Fatal(err)
	}
	basic := w.svc.Catalog.Offers[0].SkuID
	if !slices.ContainsFunc(lics, func(l msapi.License) bool { return strings.EqualFold(l.SkuID, basic) }) {
		t.Fatalf("the chosen user holds %+v, not %s", lics, basic)
	}
}

// firstUser is the id of the user the assign screen lists first.
func firstUser(t *testing.T, w *world, tenantID string) string {
	t.Helper()
	p, err := w.svc.SearchUsers(context.Background(), tenantID, flow.UserQuery{Limit: 1})
	if err != nil || len(p.Users) == 0 {
		t.Fatalf("users of %s: %d, %v", tenantID, len(p.Users), err)
	}
	return p.Users[0].ID
}

func TestRunCtrlCReturnsInterrupted(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{Backend: newWorld(t, nil).svc, Catalog: flow.DefaultCatalog(),
			Browser: &stubBrowser{}, Input: pr, Output: io.Discard, NoColor: true})
	}()
	if _, err := pw.Write([]byte{0x03}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, tea.ErrInterrupted) {
		t.Fatalf("Run = %v, want tea.ErrInterrupted", err)
	}
}

func TestRunWithoutBackend(t *testing.T) {
	if err := Run(context.Background(), Options{}); !errors.Is(err, ErrNoBackend) {
		t.Fatalf("Run = %v, want ErrNoBackend", err)
	}
}
