// Package server serves onboard to terminals over SSH: each session runs its
// own wizard (kiosk, agent or self-service, by the key it signed in with) or,
// for an agent's key, one of the command line's commands, with its output
// and exit code over the session. The terminals hold no secret and no data.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	rm "charm.land/wish/v2/recover"
	gossh "golang.org/x/crypto/ssh"

	"onboard/flow"
	"onboard/ui"
)

// Terminal is a session's terminal, given to the wizard.
type Terminal struct {
	Input  io.Reader
	Output io.Writer
	Remote *ui.RemoteTerminal
	Name   string // the session's identity and address: the key of its drafts
}

// Options configure the server.
type Options struct {
	// HostKeyPath is the server's private host key, generated (ed25519,
	// 0600) on first start.
	HostKeyPath string
	// KeysPath maps public keys to roles (see Keys); read on every sign-in,
	// so a new kiosk needs no restart.
	KeysPath string
	// AllowAnonymous lets unknown keys in, for customer self-service only.
	AllowAnonymous bool
	// Wizard runs the wizard for id on the terminal until it ends; ctx
	// names id as the actor of what it does.
	Wizard func(ctx context.Context, id Identity, t Terminal) error
	// Command runs an agent's command line and returns its exit code.
	Command func(ctx context.Context, id Identity, args []string, stdin io.Reader, stdout, stderr io.Writer) int
	// Logger receives sign-ins, refusals and session ends (default slog.Default()).
	Logger *slog.Logger
}

// Server is the SSH server.
type Server struct {
	opts Options
	srv  *ssh.Server
	log  *slog.Logger
}

// Sentinel errors of the session handler, for the log.
var (
	ErrUnknownKey = errors.New("unknown key")
	ErrNoCommands = errors.New("this key may not run commands")
	ErrNoTerminal = errors.New("the wizard needs a terminal (ssh -t)")
)

// New builds the server; Serve starts it.
func New(opts Options) (*Server, error) {
	if opts.Wizard == nil || opts.Command == nil {
		return nil, errors.New("server: Wizard and Command are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{opts: opts, log: opts.Logger}
	if err := os.MkdirAll(filepath.Dir(opts.HostKeyPath), 0o700); err != nil {
		return nil, fmt.Errorf("host key directory: %w", err)
	}
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(opts.HostKeyPath),
		ssh.PublicKeyAuth(s.allowKey),
		ssh.AllocatePty(),
		wish.WithMiddleware(rm.Middleware(s.handle)),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	// The generated key must stay the owner's alone whatever the umask.
	if err := os.Chmod(opts.HostKeyPath, 0o600); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	s.srv = srv
	return s, nil
}

// Serve accepts sessions on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits for the open sessions until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Close ends every session at once.
func (s *Server) Close() error { return s.srv.Close() }

// allowKey decides at sign-in. The identity is looked up again in the
// session from the key the connection actually authenticated with.
func (s *Server) allowKey(ctx ssh.Context, pk ssh.PublicKey) bool {
	if s.opts.AllowAnonymous {
		return true
	}
	_, ok := s.identify(pk)
	if !ok { // a client may offer several keys: the refusal of one is no alarm yet
		s.log.Info("ssh key not in the keys file", "fingerprint", gossh.FingerprintSHA256(pk), "user", ctx.User(), "addr", ctx.RemoteAddr().String())
	}
	return ok
}

func (s *Server) identify(pk ssh.PublicKey) (Identity, bool) {
	keys, err := LoadKeys(s.opts.KeysPath)
	if err != nil {
		s.log.Error("ssh keys", "error", err.Error())
		return Identity{}, false
	}
	return keys.Lookup(pk)
}

// handle serves one session: a command for an agent, else the wizard.
func (s *Server) handle(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer next(sess)
		id, ok := s.identify(sess.PublicKey())
		switch {
		case ok:
		case s.opts.AllowAnonymous && sess.PublicKey() != nil:
			id = Identity{Role: RoleAnonymous, Name: "self-service"}
		default:
			s.refuse(sess, ErrUnknownKey)
			return
		}
		ctx := flow.WithActor(sess.Context(), id.Actor())
		log := s.log.With("role", string(id.Role), "name", id.Name, "addr", sess.RemoteAddr().String())
		start := time.Now()
		var code int
		if args := sess.Command(); len(args) > 0 {
			if id.Role != RoleAgent {
				s.refuse(sess, ErrNoCommands)
				return
			}
			log.Info("ssh command", "args", args)
			code = s.opts.Command(ctx, id, args, sess, sess, sess.Stderr())
		} else {
			code = s.wizard(ctx, sess, id, log)
		}
		log.Info("ssh session ended", "code", code, "elapsed", time.Since(start).Round(time.Millisecond).String())
		_ = sess.Exit(code)
	}
}

func (s *Server) refuse(sess ssh.Session, why error) {
	s.log.Warn("ssh refused", "error", why.Error(), "addr", sess.RemoteAddr().String())
	wish.Fatalln(sess, "onboard: "+why.Error())
}

// wizard runs the identity's wizard on the session's terminal.
func (s *Server) wizard(ctx context.Context, sess ssh.Session, id Identity, log *slog.Logger) int {
	pty, windows, ok := sess.Pty()
	if !ok {
		wish.Errorln(sess, "onboard: "+ErrNoTerminal.Error())
		return 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resize := make(chan tea.WindowSizeMsg)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w := <-windows:
				select {
				case resize <- tea.WindowSizeMsg{Width: w.Width, Height: w.Height}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	log.Info("ssh wizard", "term", pty.Term, "width", pty.Window.Width, "height", pty.Window.Height)
	t := Terminal{
		Input:  pty.Slave,
		Output: pty.Slave,
		Remote: &ui.RemoteTerminal{Width: pty.Window.Width, Height: pty.Window.Height,
			Environ: append(sess.Environ(), "TERM="+pty.Term), Resize: resize},
		Name: "ssh:" + string(id.Role) + ":" + id.Name,
	}
	err := s.opts.Wizard(ctx, id, t)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, tea.ErrInterrupted):
		return 130
	case sess.Context().Err() != nil: // the terminal went away (closed, or the link dropped)
		log.Info("ssh terminal disconnected")
		return 0
	}
	log.Warn("ssh wizard ended", "error", err.Error())
	return 1
}

// Actor is the audit trail's name for the identity.
func (id Identity) Actor() flow.Actor {
	switch id.Role {
	case RoleKiosk:
		return flow.Actor{Kind: flow.ActorKiosk, Name: id.Name}
	case RoleAgent:
		return flow.Actor{Kind: flow.ActorAgent, Name: id.Name}
	}
	return flow.Actor{Kind: flow.ActorCustomer, Name: id.Name}
}
