package ui

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// viewProbe hands every frame the program draws to the test, so the test
// waits on what the customer would see rather than on renderer output.
type viewProbe struct {
	*Model
	frames chan string
}

func (p viewProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func (p viewProbe) View() tea.View {
	v := p.Model.View()
	select {
	case p.frames <- ansi.Strip(v.Content):
	default: // the test is not waiting: drop the frame
	}
	return v
}

// waitView waits until a drawn frame contains want.
func waitView(t *testing.T, frames <-chan string, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	last := ""
	for {
		select {
		case f := <-frames:
			if strings.Contains(f, want) {
				return
			}
			last = f
		case <-timeout:
			t.Fatalf("never showed %q; last frame:\n%s", want, last)
		}
	}
}

func TestSelfServiceFlowInProgram(t *testing.T) {
	fb := newFakeBackend()
	fb.users = makeUsers(30)
	br := &stubBrowser{}
	m := New(Options{Backend: fb, Catalog: testCatalog, Browser: br, Terminal: "kiosk-1",
		NoColor: true, PollInterval: time.Millisecond, Provider: "Northwind Cloud"})
	probe := viewProbe{Model: m, frames: make(chan string, 1)}
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(80, 24), teatest.WithProgramOptions(tea.WithoutCatchPanics()))
	frames := probe.frames

	waitView(t, frames, "Choose licenses")
	tm.Type("+")
	waitView(t, frames, "EUR 20.60      ‹1›")
	tm.Type("+")
	waitView(t, frames, "EUR 41.20")
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
	for i, v := range []string{"Unter den Linden 1", "Berlin", "10117"} {
		tm.Send(tea.PasteMsg{Content: v})
		waitView(t, frames, v)
		tm.Send(keyMsg("enter"))
		waitView(t, frames, "┃ "+[]string{"City", "Postal code", "State or province"}[i])
	}
	tm.Send(keyMsg("enter"))

	waitView(t, frames, "Microsoft Customer Agreement")
	tm.Type("y")
	waitView(t, frames, "Administrator login")
	tm.Send(tea.PasteMsg{Content: "admin@contoso.onmicrosoft.com"})
	waitView(t, frames, "> admin@contoso.onmicrosoft.com")
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "┃ Password")
	tm.Send(tea.PasteMsg{Content: fb.adminPassword})
	waitView(t, frames, "> ***************")
	tm.Send(keyMsg("enter"))

	waitView(t, frames, "Waiting for Microsoft to confirm")
	tm.Send(keyMsg("enter"))
	fb.accept()
	waitView(t, frames, "Review your order")
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "Your licenses are ready")
	waitView(t, frames, "Order number: NW-1001")
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "30 of 30 users")
	tm.Send(keyMsg("enter"))
	waitView(t, frames, "1 chosen, 1 of 2 free")
	tm.Send(keyMsg("ctrl+s"))
	waitView(t, frames, "1 licenses assigned")
	tm.Send(keyMsg("ctrl+q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	if len(br.opened) != 2 || br.opened[0] != fb.inviteURL || br.opened[1] != fb.checkoutURL {
		t.Fatalf("browser opened %q, want the invitation then the checkout", br.opened)
	}
	if got := fb.assignments["sku-bp"]; len(got) != 1 {
		t.Fatalf("assignments = %v", got)
	}
	if o := fb.orders["ord-1001"]; o.Status != "completed" {
		t.Fatalf("order status = %s", o.Status)
	}
}

func TestRunCtrlCReturnsInterrupted(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{Backend: newFakeBackend(), Catalog: testCatalog,
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
