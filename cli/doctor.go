package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"onboard/config"
)

// check is one line of `onboard doctor`.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
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
		out = append(out, check{"database", false, err.Error()})
	} else {
		v, err := e.db.SchemaVersion(ctx)
		out = append(out, dbCheck(e.db.Path(), v, err))
		e.close()
	}

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	t, err := resolveTarget(cfg)
	if err != nil {
		return append(out, check{"microsoft", false, err.Error()}, browserCheck())
	}
	defer t.close()
	out = append(out, t.microsoftChecks(ctx)...)
	out = append(out, t.paymentCheck(ctx, cfg))
	return append(out, browserCheck())
}

func dbCheck(path string, version int, err error) check {
	if err != nil {
		return check{"database", false, fmt.Sprintf("%s: %v", path, err)}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return check{"database", false, err.Error()}
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return check{"database", false, fmt.Sprintf("%s has mode %v: run chmod 600 %s", path, fi.Mode().Perm(), path)}
	}
	return check{"database", true, fmt.Sprintf("%s (schema version %d, mode 0600)", path, version)}
}

// browserCheck says whether pkg/browser is likely to open a window here.
func browserCheck() check {
	if b := os.Getenv("BROWSER"); b != "" {
		return check{"browser", true, "$BROWSER is " + b}
	}
	if runtime.GOOS != "linux" {
		return check{"browser", true, "the system opener for " + runtime.GOOS}
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return check{"browser", false, "no graphical display: the wizard shows the URL and a QR code instead (set $BROWSER to override)"}
	}
	for _, name := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return check{"browser", true, "opens pages with " + p}
		}
	}
	return check{"browser", false, "no xdg-open or x-www-browser: install xdg-utils, or rely on the URL and QR code"}
}

func printChecks(w io.Writer, checks []check) {
	for _, c := range checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
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
