package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"

	"onboard/config"
)

// openLog points slog at the log file (JSON lines, mode 0600), never at the
// terminal the wizard draws on. It returns a closer.
func openLog(cfg *config.Config) (io.Closer, error) {
	path := cfg.Get("log_file")
	if path == "" {
		p, err := xdg.StateFile(filepath.Join("onboard", "onboard.log"))
		if err != nil {
			return nil, fmt.Errorf("log file: %w", err)
		}
		path = p
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	// An existing file created by something else keeps its mode otherwise.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("log %s: %w", path, err)
	}
	slog.SetDefault(slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})))
	return f, nil
}
