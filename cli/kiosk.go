package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/adrg/xdg"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"onboard/config"
	"onboard/internal/kioskpin"
	"onboard/ui"
)

func newKioskCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kiosk",
		Short: "Run the wizard as an unattended kiosk, or set its admin PIN",
		Long: "Runs the wizard full screen for strangers: it can only be left with the provider's admin PIN,\n" +
			"an untouched sign-up is wiped after kiosk_idle, and Done returns to the start by itself.\n" +
			"Same as `onboard --kiosk`. See docs/kiosk.md for a systemd and autologin recipe.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			g.forced = map[string]string{"kiosk": "true"}
			return g.tui(runWizard(cmd, g))
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "set-pin",
		Short: "Set the admin PIN that closes the kiosk (stored as a salted hash in the config file)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			file := g.configFile
			if file == "" {
				file = config.DefaultFile()
			}
			pin, err := readNewPIN(cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			hash, err := kioskpin.Hash(pin)
			if err != nil {
				return err
			}
			if err := setConfigValue(file, "kiosk_pin_hash", hash); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Admin PIN set in %s.\n", file)
			return nil
		},
	})
	return cmd
}

// ErrPINMismatch: the two PINs typed differ.
var ErrPINMismatch = errors.New("the two PINs differ: nothing was changed")

// readNewPIN asks for the PIN twice, without echo on a terminal; piped
// input (scripts, tests) is read line by line.
func readNewPIN(in io.Reader, prompt io.Writer) (string, error) {
	read := lineReader(in)
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		read = func() (string, error) {
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(prompt)
			return string(b), err
		}
	}
	fmt.Fprint(prompt, "New admin PIN: ")
	first, err := read()
	if err != nil {
		return "", fmt.Errorf("read PIN: %w", err)
	}
	if err := kioskpin.Check(first); err != nil {
		return "", usageError{err}
	}
	fmt.Fprint(prompt, "Repeat the PIN: ")
	second, err := read()
	if err != nil {
		return "", fmt.Errorf("read PIN: %w", err)
	}
	if first != second {
		return "", usageError{ErrPINMismatch}
	}
	return first, nil
}

func lineReader(in io.Reader) func() (string, error) {
	r := bufio.NewReader(in)
	return func() (string, error) {
		line, err := r.ReadString('\n')
		if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
}

// setConfigValue sets key in the TOML config file, keeping its other lines
// and comments, and leaves the file readable by its owner only.
func setConfigValue(file, key, value string) error {
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read config %s: %w", file, err)
	}
	line := fmt.Sprintf("%s = %q", key, value)
	re := regexp.MustCompile(`(?m)^[ \t]*` + regexp.QuoteMeta(key) + `[ \t]*=.*$`)
	var out string
	switch {
	case re.Match(old):
		out = re.ReplaceAllLiteralString(string(old), line)
	case len(old) == 0 || strings.HasSuffix(string(old), "\n"):
		out = string(old) + line + "\n"
	default:
		out = string(old) + "\n" + line + "\n"
	}
	var check map[string]any
	if _, err := toml.Decode(out, &check); err != nil {
		return fmt.Errorf("config %s would not parse after setting %s: %w", file, key, err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("config directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".config-*.toml")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(out); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("write config %s: %w", file, err)
	}
	return nil
}

// runFrontEnd shows the wizard the configuration asks for: the kiosk, the
// accessible line prompts, or the full-screen wizard.
func runFrontEnd(ctx context.Context, cfg *config.Config, opts ui.Options) error {
	switch {
	case cfg.Bool("kiosk"):
		return ui.RunKiosk(ctx, kioskOptions(cfg, opts))
	case accessibleWanted(cfg, os.Getenv):
		return runAccessible(ctx, opts)
	}
	return ui.Run(ctx, opts)
}

func kioskOptions(cfg *config.Config, opts ui.Options) ui.KioskOptions {
	opts.Locale = cfg.KioskLocale()
	k := ui.KioskOptions{
		Options:    opts,
		Idle:       cfg.Duration("kiosk_idle"),
		WaitIdle:   cfg.Duration("kiosk_wait_idle"),
		DropDrafts: cfg.Get("kiosk_drafts") == "drop",
	}
	if hash := cfg.Get("kiosk_pin_hash"); hash != "" {
		k.VerifyPIN = func(pin string) bool { return kioskpin.Verify(hash, pin) }
	}
	k.Lockout = openLockout()
	// A stranger at a kiosk pays on their phone: a browser opened on the
	// kiosk itself would show the next person their checkout, unless the
	// provider built the kiosk for it.
	if !cfg.Bool("kiosk_open_browser") {
		k.Browser = ui.NoBrowser{}
	}
	if opts.Backend != nil {
		k.DropDraft = opts.Backend.DropDraft
	}
	return k
}

// openLockout opens the wrong-PIN count kept in the data directory, so a
// restart does not reset it. One it cannot read counts as locked.
func openLockout() *kioskpin.Lockout {
	path, err := xdg.DataFile(filepath.Join("onboard", "kiosk-pin-lockout.json"))
	if err != nil {
		slog.Error("kiosk: no place for the PIN lock-out; it lasts until a restart", "error", err.Error())
		path = ""
	}
	l, err := kioskpin.OpenLockout(path, time.Now())
	if err != nil {
		slog.Error("kiosk: PIN lock-out", "error", err.Error())
	}
	return l
}

// accessibleWanted: --accessible / accessible = true, ACCESSIBLE=1, or a
// terminal that cannot draw (TERM=dumb).
func accessibleWanted(cfg *config.Config, getenv func(string) string) bool {
	if cfg.Bool("accessible") || getenv("TERM") == "dumb" {
		return true
	}
	v := getenv("ACCESSIBLE")
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}
