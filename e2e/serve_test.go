package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"onboard/flow"
	"onboard/internal/ptyrun"
	"onboard/store"
)

// service is one `onboard serve` of the built binary: its data directory,
// keys and addresses.
type service struct {
	t       *testing.T
	dir     string
	ssh     string // host:port
	http    string // base URL
	cmd     *exec.Cmd
	stopped chan struct{}
	log     bytes.Buffer // what serve printed after its first line
}

// sshKey writes a new ed25519 key pair under dir and returns the private
// key's path and the public key in authorized_keys form.
func sshKey(t testing.TB, dir, name string) (string, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	spub, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return path, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(spub)))
}

var servingRE = regexp.MustCompile(`Serving SSH on (\S+) and HTTP on (\S+) `)

// startService runs `onboard serve` on free loopback ports with keysFile
// and the site's data, and waits for the line that says where it listens.
func startService(t *testing.T, dir, keysFile string, env []string, args ...string) *service {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.Command(binary, append([]string{"serve", "--ssh", "127.0.0.1:0", "--http", "127.0.0.1:0", "--keys", keysFile}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &service{t: t, dir: dir, cmd: cmd, stopped: make(chan struct{})}
	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		first <- line
		_, _ = io.Copy(&s.log, r)
		_ = cmd.Wait()
		close(s.stopped)
	}()
	t.Cleanup(func() { s.stop(syscall.SIGKILL) })
	select {
	case line := <-first:
		m := servingRE.FindStringSubmatch(line)
		if m == nil {
			<-s.stopped
			t.Fatalf("serve did not start: %q\n%s", line, stderr.String())
		}
		s.ssh, s.http = m[1], m[2]
	case <-ctx.Done():
		t.Fatal("serve did not say where it listens")
	}
	return s
}

// stop signals the server and waits for it to end.
func (s *service) stop(sig syscall.Signal) {
	select {
	case <-s.stopped:
		return
	default:
	}
	_ = s.cmd.Process.Signal(sig)
	<-s.stopped
}

func (s *service) sshArgs(key, user string, extra ...string) []string {
	host, port, _ := net.SplitHostPort(s.ssh)
	return append([]string{"-p", port, "-i", key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-F", "/dev/null", user + "@" + host}, extra...)
}

// terminal opens an SSH session with a terminal at 80x24: a wizard.
func (s *service) terminal(ctx context.Context, key, user string) *wizard {
	s.t.Helper()
	ps, err := ptyrun.Start(ctx, 80, 24, []string{"NO_COLOR=1"}, "ssh", s.sshArgs(key, user)...)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(ps.Close)
	return &wizard{t: s.t, ctx: ctx, s: ps}
}

// command runs a command over SSH without a terminal and returns its
// stdout, stderr and exit code.
func (s *service) command(key, user string, args ...string) (string, string, int) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", s.sshArgs(key, user, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &exit):
		return stdout.String(), stderr.String(), exit.ExitCode()
	}
	s.t.Fatalf("ssh %s: %v", strings.Join(args, " "), err)
	return "", "", 0
}

// TestServeOverSSH: one service, three keys. The agent's key creates an
// order in the agent wizard over SSH and reads it back with commands; the
// kiosk's key may not run commands, and pays the order in the kiosk wizard;
// an unknown key is refused. The audit trail names the agent and the kiosk.
func TestServeOverSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client on this machine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	site := newSite(t, "")
	keys := t.TempDir()
	agentKey, agentPub := sshKey(t, keys, "agent")
	kioskKey, kioskPub := sshKey(t, keys, "kiosk")
	strangerKey, _ := sshKey(t, keys, "stranger")
	keysFile := filepath.Join(keys, "serve_keys")
	if err := os.WriteFile(keysFile, []byte(fmt.Sprintf("# role name key\nagent alice %s\nkiosk shop-1 %s\n", agentPub, kioskPub)), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startService(t, site.dir, keysFile, site.env())

	hostKey := filepath.Join(site.dir, "data", "onboard", "ssh_host_ed25519")
	if fi, err := os.Stat(hostKey); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key %s: %v %v, want mode 0600", hostKey, fi, err)
	}

	// The desk: the agent wizard over SSH, named by the key.
	agent := srv.terminal(ctx, agentKey, "desk")
	link := agent.agentToInvitation()
	agent.press("enter") // continue without waiting
	number := agent.orderNumber()
	agent.press("enter")
	agent.exit()
	if !strings.HasPrefix(link, srv.http) {
		t.Fatalf("invitation %s is not on the service's HTTP address %s", link, srv.http)
	}

	// The agent's commands run over the session with their exit codes.
	out, errOut, code := srv.command(agentKey, "desk", "orders", "list", "--json")
	if code != 0 || !strings.Contains(out, `"`+number+`"`) {
		t.Fatalf("orders list over SSH: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, errOut, code := srv.command(agentKey, "desk", "orders", "show", "ORD-999999"); code != 3 || !strings.Contains(errOut, "not found") {
		t.Fatalf("orders show of a missing order over SSH: exit %d, want 3 (not found)\n%s", code, errOut)
	}
	// The invitation link outlives the terminal that made it.
	out, errOut, code = srv.command(agentKey, "desk", "orders", "invite", number, "--no-qr")
	if code != 0 || !strings.Contains(out, link) {
		t.Fatalf("orders invite over SSH: exit %d, want the link %s\n%s\n%s", code, link, out, errOut)
	}
	acceptHTTP(t, link, fabrikamAdmin, fabrikamPass)

	// A kiosk's key reaches no command; an unknown key nothing at all.
	if _, errOut, code := srv.command(kioskKey, "kiosk", "orders", "list"); code == 0 || !strings.Contains(errOut, "may not run commands") {
		t.Fatalf("a kiosk key ran a command: exit %d\n%s", code, errOut)
	}
	if _, errOut, code := srv.command(strangerKey, "kiosk"); code != 255 || !strings.Contains(errOut, "Permission denied") {
		t.Fatalf("an unknown key was let in: exit %d\n%s", code, errOut)
	}

	// A shop: the kiosk wizard pays the desk's order.
	kiosk := srv.terminal(ctx, kioskKey, "kiosk")
	kiosk.payExisting(number, "ada@example.com", true)
	kiosk.see("Your trial was converted; 8 users keep their licenses", "Imported 12 users and 2")
	kiosk.s.Close()
	srv.stop(syscall.SIGTERM)

	db := site.openStore()
	o := onlyOrder(t, db)
	if o.CreatedBy != (flow.Actor{Kind: flow.ActorAgent, Name: "alice"}) {
		t.Fatalf("order %s created by %+v, want agent alice", o.Number, o.CreatedBy)
	}
	checkAgentTrail(t, db, o)
	if o.Status != flow.StatusCompleted {
		t.Fatalf("order %s is %s, want completed", o.Number, o.Status)
	}
	checkKioskPaid(t, db, o, flow.Actor{Kind: flow.ActorKiosk, Name: "shop-1"})
}

// checkKioskPaid: the payment of o is recorded as the kiosk's doing.
func checkKioskPaid(t *testing.T, db *store.DB, o flow.Order, kiosk flow.Actor) {
	t.Helper()
	trail, err := db.AuditTrail(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range trail {
		if ev.To == string(flow.StatusPaid) && ev.Actor == kiosk {
			return
		}
	}
	t.Fatalf("no move to paid by %+v in the audit trail: %+v", kiosk, trail)
}

// TestServeAnonymousSelfService: with --allow-anonymous an unknown key gets
// the customer's self-service wizard, and still no command.
func TestServeAnonymousSelfService(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client on this machine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	site := newSite(t, "")
	keys := t.TempDir()
	strangerKey, _ := sshKey(t, keys, "stranger")
	srv := startService(t, site.dir, filepath.Join(keys, "serve_keys"), site.env(), "--allow-anonymous")
	if _, errOut, code := srv.command(strangerKey, "anyone", "orders", "list"); code == 0 || !strings.Contains(errOut, "may not run commands") {
		t.Fatalf("an anonymous key ran a command: exit %d\n%s", code, errOut)
	}
	w := srv.terminal(ctx, strangerKey, "anyone")
	screen := w.see("Step 1 of", "Choose licenses")
	if strings.Contains(screen, "AGENT") {
		t.Fatalf("an anonymous key got the agent wizard:\n%s", screen)
	}
	w.press("ctrl+c") // self-service is left like the local wizard, not with a PIN
	var exit *exec.ExitError
	if err := w.s.Wait(ctx); !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("ssh after ctrl+c: %v, want exit 130 passed through", err)
	}
}
