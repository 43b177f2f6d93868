package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"onboard/internal/testworld"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/cli"
	"onboard/flow"
	"onboard/msapi/sandbox"
)

// TestAdministratorPasswordIsNowhere runs a whole self-service flow with an
// administrator password used nowhere else (and a wrong one first), with
// debug logging to a file, then searches every place a secret could land:
// the SQLite file, its WAL and shared memory, the log, the drafts, the audit
// trail, the sandbox's state file and everything the commands printed.
func TestAdministratorPasswordIsNowhere(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	password := "Pw-" + randomHex(t) + "-Admin"
	wrong := "Wrong-" + randomHex(t)
	secrets := []string{password, wrong}

	logPath := filepath.Join(dir, "onboard.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(logFile, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	const admin = "admin@fabrikam.onmicrosoft.com"
	statePath := filepath.Join(dir, "microsoft.json")
	ms, err := sandbox.New(sandbox.Options{NorthwindUsers: 3, StatePath: statePath})
	if err != nil {
		t.Fatal(err)
	}
	if err := ms.SetPassword(admin, password); err != nil { // before serving: directories are unlocked
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "onboard.db")
	m := testworld.Serve(t, ms)
	svc, db := m.Service(t, dbPath)
	svc.Actor = flow.Actor{Kind: flow.ActorKiosk, Name: "kiosk"}

	var printed bytes.Buffer // what a screen would show: errors included
	if _, err := svc.VerifyAdmin(ctx, admin, wrong); err == nil {
		t.Fatal("a wrong password was accepted")
	} else {
		printed.WriteString(err.Error() + "\n")
		slog.Debug("verify admin failed", "error", err)
	}
	// Security defaults: the right password meets the MFA requirement, and
	// the sign-in moves to the sign-in page, where the password is typed.
	if _, err := svc.VerifyAdmin(ctx, admin, password); !errors.Is(err, flow.ErrSignInPageRequired) {
		t.Fatalf("password grant of an MFA administrator: %v", err)
	} else {
		printed.WriteString(err.Error() + "\n")
		slog.Debug("verify admin moved to the sign-in page", "error", err)
	}
	verified, err := m.SignIn(ctx, svc, admin, password, sandbox.MFADemoCode)
	if err != nil {
		t.Fatalf("sign in admin: %v", err)
	}
	slog.Debug("verified", "admin", verified)
	a := flow.Answers{
		Mode: flow.ModeCustomer, Account: flow.AccountExisting,
		Lines:   []flow.LineChoice{{OfferID: "m365-business-premium", Seats: 10}},
		Company: "Fabrikam Inc", FirstName: "Ada", LastName: "Lovelace", Email: "ada@fabrikam.example",
		Phone: "+44 20 7946 0958", PhoneCountry: "GB",
		Address:    flow.Address{Line1: "1 Main Street", City: "London", PostalCode: "SW1A 1AA", Country: "GB"},
		AdminLogin: admin, Domain: "fabrikam.onmicrosoft.com", AgreementAccepted: true,
	}
	draft, err := svc.SaveDraft(ctx, "", "kiosk-1", flow.StepAdmin, a)
	if err != nil {
		t.Fatalf("save draft: %v", err)
	}
	o, err := m.Consent(ctx, svc, a, password)
	if err == nil {
		_, err = m.PayOrder(ctx, svc, o.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Process(ctx, o.ID, nil)
	if err != nil || res.Order.Status != flow.StatusCompleted {
		t.Fatalf("process: %v", err)
	}
	o = res.Order
	printed.WriteString(o.Number + " " + string(o.Status) + "\n")

	checkDBFileModes(t, dbPath)
	// Secrets in the database as the application reads it back.
	trail, err := db.AuditTrail(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	trailJSON, _ := json.Marshal(trail)
	d, err := db.LoadDraft(ctx, draft.Code)
	if err != nil {
		t.Fatal(err)
	}
	draftJSON, _ := json.Marshal(d)
	assertAbsent(t, "audit trail", trailJSON, secrets)
	assertAbsent(t, "draft", draftJSON, secrets)
	// The files while the database is open (the WAL holds recent pages)...
	for _, suffix := range []string{"", "-wal", "-shm"} {
		assertFileAbsent(t, dbPath+suffix, secrets)
	}
	db.Close()

	// ...and what the commands print, logging to the same file.
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("ONBOARD_DB", dbPath)
	t.Setenv("ONBOARD_LOG_FILE", logPath)
	for _, args := range [][]string{
		{"orders", "show", o.Number}, {"orders", "show", o.Number, "--json"}, {"orders", "list", "--json"},
		{"customers", "list", "--json"}, {"config"},
	} {
		var stdout, stderr bytes.Buffer
		code := cli.Run(ctx, "test", args, &stdout, &stderr)
		if code != 0 {
			t.Fatalf("onboard %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
		}
		printed.Write(stdout.Bytes())
		printed.Write(stderr.Bytes())
	}
	slog.SetDefault(prev) // the commands replaced it; stop writing to the file
	for _, suffix := range []string{"", "-wal", "-shm"} {
		assertFileAbsent(t, dbPath+suffix, secrets)
	}
	assertFileAbsent(t, logPath, secrets)
	assertFileAbsent(t, statePath, secrets)
	assertAbsent(t, "printed output", printed.Bytes(), secrets)
	if fi, err := os.Stat(logPath); err != nil || fi.Size() == 0 {
		t.Fatalf("the log is empty or missing (%v): the search proves nothing", err)
	}
	if !strings.Contains(printed.String(), o.Number) {
		t.Fatalf("the commands printed nothing about the order: %s", printed.String())
	}
}

func checkDBFileModes(t *testing.T, dbPath string) {
	t.Helper()
	for _, p := range []string{dbPath, dbPath + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("stat %s: %v", p, err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), perm)
		}
	}
}

func assertFileAbsent(t *testing.T, path string, secrets []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return // a checkpointed WAL or an unused -shm is gone on close
	}
	if err != nil {
		t.Fatal(err)
	}
	assertAbsent(t, filepath.Base(path), data, secrets)
}

// assertAbsent also looks for the UTF-16 form SQLite could use and for the
// secret's JSON-escaped and hex forms.
func assertAbsent(t *testing.T, where string, data []byte, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		forms := [][]byte{[]byte(s), []byte(hex.EncodeToString([]byte(s))), utf16le(s)}
		for _, f := range forms {
			if bytes.Contains(data, f) {
				t.Errorf("%s holds the administrator password (%d bytes searched)", where, len(data))
			}
		}
	}
}

func utf16le(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ { // the secrets are ASCII
		out = append(out, s[i], 0)
	}
	return out
}

func randomHex(t *testing.T) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
