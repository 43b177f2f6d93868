package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/ansi"
	"github.com/cli/go-gh/v2/pkg/tableprinter"
	"golang.org/x/term"
)

// output is where a command's result goes, decided before any pager takes
// stdout over: whether a person reads it on a terminal, and how wide it is.
// On a terminal tables fit the width and long output is paged, as gh does;
// piped, lists are tab-separated values for scripts and nothing is cut.
type output struct {
	w     io.Writer
	log   io.Writer // stderr
	tty   bool
	width int // 0: no limit
	close func() error
}

// terminalOf reports whether w is a terminal and its width. Tests replace
// it to render at a terminal's width.
var terminalOf = func(w io.Writer) (tty bool, width int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		width = 80
	}
	return true, width
}

// newOutput prepares w for a result; page starts the pager on a terminal.
// close waits for the pager: call it once the result is written.
func newOutput(w io.Writer, stderr io.Writer, page bool) *output {
	tty, width := terminalOf(w)
	o := &output{w: w, log: stderr, tty: tty, width: width, close: func() error { return nil }}
	if !tty || !page {
		return o
	}
	if pw, wait, err := startPager(w, stderr, os.Getenv); err == nil && pw != nil {
		o.w, o.close = pw, wait
	}
	return o
}

// pagerCommand is the pager to use: ONBOARD_PAGER, then PAGER, then
// `less -FRX` (quits when the output fits one screen, keeps colours,
// leaves the text on the screen) when less is installed. "" or "cat": none.
func pagerCommand(getenv func(string) string, lookPath func(string) (string, error)) string {
	p := strings.TrimSpace(cmp.Or(getenv("ONBOARD_PAGER"), getenv("PAGER")))
	if p == "" {
		if _, err := lookPath("less"); err == nil {
			p = "less -FRX"
		}
	}
	if p == "cat" {
		return ""
	}
	return p
}

// startPager runs the pager through the shell (PAGER may hold arguments)
// with its output on w, and returns the pipe to write to.
func startPager(w, stderr io.Writer, getenv func(string) string) (io.Writer, func() error, error) {
	p := pagerCommand(getenv, exec.LookPath)
	if p == "" {
		return nil, nil, nil
	}
	cmd := exec.Command("/bin/sh", "-c", p)
	cmd.Stdout, cmd.Stderr = w, stderr
	cmd.Env = os.Environ()
	if getenv("LESS") == "" {
		cmd.Env = append(cmd.Env, "LESS=FRX")
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("start the pager: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start the pager %q: %w", p, err)
	}
	return &pagerPipe{w: in}, func() error {
		in.Close()
		cmd.Wait() // the person quitting the pager early is not an error of ours
		return nil
	}, nil
}

// pagerPipe writes to the pager until it is gone: quitting less before the
// end (q) closes the pipe, and the rest of the output is dropped quietly,
// as gh does, rather than failing the command with "broken pipe".
type pagerPipe struct {
	w    io.Writer
	gone bool
}

func (p *pagerPipe) Write(b []byte) (int, error) {
	if p.gone {
		return len(b), nil
	}
	if _, err := p.w.Write(b); err != nil {
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
			p.gone = true
			return len(b), nil
		}
		return 0, err
	}
	return len(b), nil
}

// table is a table of the output: fitted to the terminal's width, cells
// cut with "…"; tab-separated without its header when piped (list is
// true), or aligned and whole (list is false: a record's detail).
func (o *output) table(list bool) tableprinter.TablePrinter {
	if !o.tty && list {
		return tableprinter.New(o.w, false, 0)
	}
	width := o.width
	if width <= 0 {
		width = 1 << 20 // no limit
	}
	return tableprinter.New(o.w, true, width)
}

// narrowBelow is the width under which list tables leave out their least
// useful columns (gh drops columns the same way) rather than cut the
// tenant to "fabrikam.o…", which no one can read or type.
const narrowBelow = 110

// narrow reports whether tables are read on a terminal too narrow for all
// their columns; piped and --json output always has them all.
func (o *output) narrow() bool { return o.tty && o.width > 0 && o.width < narrowBelow }

// none says a list is empty: on the terminal, or on stderr when piped,
// so a script reading the values gets none rather than the sentence.
func (o *output) none(msg string, list bool) error {
	w := o.w
	if list && !o.tty {
		w = o.log
	}
	_, err := fmt.Fprintln(w, msg)
	return err
}

// cut truncates with "…", as the tables do, for a cell given as truncatable.
func cut(width int, s string) string { return ansi.Truncate(s, width, "…") }

// whole is the option for a cell never cut (order numbers, states, money,
// dates): the other columns give way.
var whole = tableprinter.WithTruncate(nil)

// fit is the option for a cell cut with "…" when the row is too wide.
var fit = tableprinter.WithTruncate(cut)

// wrapDetail writes text under its table line, indented and wrapped to the
// width (not wrapped without a terminal), so a long audit detail stays
// readable and whole.
func (o *output) wrapDetail(indent int, text string) {
	if text == "" {
		return
	}
	pad := strings.Repeat(" ", indent)
	if o.width > indent+20 {
		text = ansi.Wrap(text, o.width-indent, "")
	}
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintln(o.w, strings.TrimRight(pad+line, " "))
	}
}

// id is a long id as a table shows it: its first shortID characters on a
// terminal (findCustomer accepts them), whole for scripts.
func (o *output) id(id string) string {
	if o.tty && len(id) > shortID {
		return id[:shortID]
	}
	return id
}
