// Package ptyrun runs a program in a pseudo terminal behind a virtual
// terminal emulator, so tests and the start-up harness can read the screen a
// person would see and type keys, without sleeps: every wait is on the
// program's own output.
package ptyrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// Session is a running program and the screen it draws.
type Session struct {
	cmd     *exec.Cmd
	pty     *os.File
	mu      sync.Mutex
	emu     *vt.Emulator
	changed chan struct{} // closed and replaced on every output chunk
	done    chan struct{} // closed when the program's output ends
	exitErr error
	raw     strings.Builder // everything the program wrote, for secret scans
}

// Start runs name with args in a w×h pseudo terminal. env is appended to a
// minimal environment (TERM=xterm-256color).
func Start(ctx context.Context, w, h int, env []string, name string, args ...string) (*Session, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append([]string{"TERM=xterm-256color", "HOME=" + os.Getenv("HOME"), "PATH=" + os.Getenv("PATH")}, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		return nil, fmt.Errorf("start %s in a pty: %w", name, err)
	}
	s := &Session{cmd: cmd, pty: f, emu: vt.NewEmulator(w, h), changed: make(chan struct{}), done: make(chan struct{})}
	go s.answerQueries()
	go s.pump()
	return s, nil
}

// answerQueries forwards the emulator's replies (cursor position, colours)
// to the program, as a real terminal would.
func (s *Session) answerQueries() {
	_, _ = io.Copy(s.pty, s.emu)
}

func (s *Session) pump() {
	buf := make([]byte, 32*1024)
	for {
		n, err := s.pty.Read(buf)
		if n > 0 {
			s.mu.Lock()
			_, _ = s.emu.Write(buf[:n])
			s.raw.Write(buf[:n])
			close(s.changed)
			s.changed = make(chan struct{})
			s.mu.Unlock()
		}
		if err != nil {
			s.exitErr = s.cmd.Wait()
			close(s.done)
			return
		}
	}
}

// Screen is the text on the screen now.
func (s *Session) Screen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.String()
}

// ScreenANSI is the screen now with its colours and styles as ANSI escape
// sequences, for screenshots.
func (s *Session) ScreenANSI() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Render()
}

// Output is every byte the program wrote so far.
func (s *Session) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw.String()
}

// ErrExited is returned by WaitFor when the program ended first.
var ErrExited = errors.New("program exited")

// WaitFor waits until cond holds for the screen, re-checking on every output.
func (s *Session) WaitFor(ctx context.Context, cond func(screen string) bool) (string, error) {
	return s.wait(ctx, s.emu.String, cond)
}

// WaitForOutput waits until cond holds for everything written so far, such
// as an OSC 52 clipboard write that never shows on the screen.
func (s *Session) WaitForOutput(ctx context.Context, cond func(raw string) bool) (string, error) {
	return s.wait(ctx, s.raw.String, cond)
}

// wait re-reads state (under the lock) on every output until cond holds.
func (s *Session) wait(ctx context.Context, state func() string, cond func(string) bool) (string, error) {
	for {
		s.mu.Lock()
		screen, changed := state(), s.changed
		s.mu.Unlock()
		if cond(screen) {
			return screen, nil
		}
		select {
		case <-changed:
		case <-s.done:
			s.mu.Lock()
			screen = state()
			s.mu.Unlock()
			if cond(screen) {
				return screen, nil
			}
			return screen, fmt.Errorf("%w (%v) before the screen showed what was awaited", ErrExited, s.exitErr)
		case <-ctx.Done():
			return s.Screen(), fmt.Errorf("%w; screen now:\n%s", ctx.Err(), s.Screen())
		}
	}
}

// WaitForText waits until the screen contains all the given texts.
func (s *Session) WaitForText(ctx context.Context, texts ...string) (string, error) {
	screen, err := s.WaitFor(ctx, func(sc string) bool {
		for _, t := range texts {
			if !strings.Contains(sc, t) {
				return false
			}
		}
		return true
	})
	if err != nil {
		return screen, fmt.Errorf("waiting for %q: %w\n--- screen ---\n%s", texts, err, screen)
	}
	return screen, nil
}

// Type sends text as typed keys.
func (s *Session) Type(text string) error {
	_, err := s.pty.Write([]byte(text))
	return err
}

// Keys understood by Press.
var keys = map[string]string{
	"enter": "\r", "tab": "\t", "shift+tab": "\x1b[Z", "esc": "\x1b", "backspace": "\x7f",
	"up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D", "space": " ",
}

// Press sends named keys ("enter", "down", "ctrl+c", ...) or single characters.
func (s *Session) Press(names ...string) error {
	for _, n := range names {
		seq, ok := keys[n]
		if !ok && len(n) == 1 {
			seq, ok = n, true // a printable key types itself
		}
		if c := strings.TrimPrefix(n, "ctrl+"); !ok && len(c) == 1 && c[0] >= 'a' && c[0] <= 'z' {
			seq, ok = string(rune(c[0]-'a'+1)), true
		}
		if !ok {
			return fmt.Errorf("ptyrun: unknown key %q", n)
		}
		if _, err := s.pty.Write([]byte(seq)); err != nil {
			return err
		}
	}
	return nil
}

// Wait waits for the program to end and returns its exit error.
func (s *Session) Wait(ctx context.Context) error {
	select {
	case <-s.done:
		return s.exitErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close kills the program if it still runs and frees the pty.
func (s *Session) Close() {
	select {
	case <-s.done:
	default:
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	_ = s.pty.Close()
	// The emulator is not closed: its Close races with the Read that
	// answerQueries is blocked in (vt keeps a plain closed flag). That
	// goroutine stays parked on an empty pipe and holds only the emulator.
}
