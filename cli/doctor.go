package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"onboard/config"
	"onboard/store"
	"onboard/ui"
)

// check is one line of `onboard doctor`.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Warning: OK, but the person should know (no browser on a headless
	// machine: the link and QR code work there).
	Warning bool `json:"warning,omitempty"`
}

var errDoctor = errors.New("some checks failed")

func newDoctorCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the database, each Microsoft credential and permission, the payments and the browser; exit non-zero when not ready",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config(cmd)
			if err != nil {
				return err
			}
			warnInProcessExposure(cmd.ErrOrStderr(), cfg)
			checks := runChecks(cmd.Context(), cfg)
			if asJSON {
				if err := writeJSON(cmd.OutOrStdout(), checks); err != nil {
					return err
				}
			} else {
				printChecks(cmd.OutOrStdout(), checks)
			}
			for _, c := range checks {
				if !c.OK {
					return errDoctor
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func runChecks(ctx context.Context, cfg *config.Config) []check {
	var out []check
	e, err := openStore(ctx, cfg)
	if err != nil {
		out = append(out, check{"database", false, err.Error(), false})
	} else {
		v, err := e.db.SchemaVersion(ctx)
		out = append(out, dbCheck(e.db.Path(), v, err))
		e.close()
	}

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	t, err := resolveTarget(cfg)
	if err != nil {
		return append(out, check{"microsoft", false, err.Error(), false}, browserCheck())
	}
	defer t.close()
	out = append(out, t.microsoftChecks(ctx)...)
	out = append(out, t.paymentCheck(ctx, cfg))
	if u := cfg.Get("public_url"); u != "" {
		out = append(out, publicURLCheck(ctx, u))
	}
	return append(out, browserCheck())
}

// publicURLCheck asks public_url for onboard serve's health check: the
// short links the wizard shows lead there. Unreachable from here is a
// warning, not a failure: doctor may run before serve does, or where the
// phones' network is not.
func publicURLCheck(ctx context.Context, base string) check {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u := strings.TrimRight(base, "/") + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err == nil {
		var res *http.Response
		if res, err = http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return check{"public_url", true, base + ": onboard serve answers; short links lead there", false}
			}
			err = fmt.Errorf("%s answered %s", u, res.Status)
		}
	}
	return check{"public_url", true, fmt.Sprintf("%v: the short links the wizard shows lead to %s, so phones must reach onboard serve there", err, base), true}
}

func dbCheck(path string, version int, err error) check {
	if err != nil {
		return check{"database", false, fmt.Sprintf("%s: %v", path, err), false}
	}
	if store.IsPostgresURL(path) {
		return check{"database", true, fmt.Sprintf("PostgreSQL %s (schema version %d)", path, version), false}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return check{"database", false, err.Error(), false}
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return check{"database", false, fmt.Sprintf("%s has mode %v: run chmod 600 %s", path, fi.Mode().Perm(), path), false}
	}
	return check{"database", true, fmt.Sprintf("%s (schema version %d, mode 0600)", path, version), false}
}

// browserCheck says whether the wizard can open pages here, by the same
// choice the wizard makes. None is a warning, not a failure: the wizard
// shows the link and the QR code instead.
func browserCheck() check {
	argv, _, err := ui.SystemBrowser{}.Command("https://example.com")
	switch {
	case errors.Is(err, ui.ErrNoDisplay):
		return check{"browser", true, "no graphical display: the wizard shows the link and a QR code instead (set $BROWSER to a graphical browser to open pages)", true}
	case err != nil:
		return check{"browser", true, err.Error() + ": the wizard shows the link and a QR code instead", true}
	case argv == nil:
		return check{"browser", true, "the system opener for " + runtime.GOOS, false}
	case os.Getenv("BROWSER") != "":
		return check{"browser", true, "$BROWSER: opens pages with " + argv[0], false}
	}
	return check{"browser", true, "opens pages with " + argv[0], false}
}

func printChecks(w io.Writer, checks []check) {
	for _, c := range checks {
		mark := "ok  "
		switch {
		case !c.OK:
			mark = "FAIL"
		case c.Warning:
			mark = "warn"
		}
		fmt.Fprintf(w, "%s  %-14s %s\n", mark, c.Name, c.Detail)
	}
	failed := 0
	for _, c := range checks {
		if !c.OK {
			failed++
		}
	}
	if failed == 0 {
		fmt.Fprintln(w, "\nReady.")
	} else {
		fmt.Fprintf(w, "\nNot ready: %d of %d checks failed (see docs/microsoft-setup.md).\n", failed, len(checks))
	}
}
