package plain

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// lineInput is where the answers come from. huh's accessible prompts make a
// new bufio.Scanner per question, which would swallow the following lines
// of a pipe; from anything but a terminal (which hands over one line per
// read anyway) it is read a byte at a time so each prompt takes only its
// own line. It notes the end of the input, so a flow whose answers ran out
// stops instead of taking every later question's default for ever.
type lineInput struct {
	r   io.Reader
	tty bool

	mu      sync.Mutex
	eof     bool
	partial bool // bytes of a line without its newline yet
	midLine bool // the input ended inside a line: that line is an answer
}

func newLineInput(r io.Reader, tty bool) *lineInput { return &lineInput{r: r, tty: tty} }

// reader is what the forms read: the terminal itself (huh masks passwords
// only on a file descriptor), else the byte-at-a-time view.
func (l *lineInput) reader() io.Reader {
	if l.tty {
		return l.r
	}
	return l
}

func (l *lineInput) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := l.r.Read(p[:1])
	l.mu.Lock()
	defer l.mu.Unlock()
	if n == 1 {
		l.partial = p[0] != '\n'
	}
	if err != nil && !l.eof {
		l.eof, l.midLine = true, l.partial
	}
	return n, err
}

// lastLineErr tells a prompt that met the end of the input whether it got
// an answer (a last line without a newline) or only its default.
func (l *lineInput) lastLineErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.eof && !l.midLine {
		return ErrInputEnded
	}
	return nil
}

func (l *lineInput) ended() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.eof
}

// readLine reads one line, refusing to keep more than maxField bytes of it.
func (l *lineInput) readLine() (string, error) {
	var b strings.Builder
	var one [1]byte
	for {
		n, err := l.Read(one[:])
		if n == 1 {
			if one[0] == '\n' {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			if b.Len() < maxField {
				b.WriteByte(one[0])
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) && b.Len() > 0 {
				return b.String(), nil
			}
			if errors.Is(err, io.EOF) {
				return "", ErrInputEnded
			}
			return "", fmt.Errorf("read a line: %w", err)
		}
	}
}
