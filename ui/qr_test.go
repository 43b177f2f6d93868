package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"rsc.io/qr"
)

func TestRenderQRIsSquareAndDecodesToModules(t *testing.T) {
	const url = "http://127.0.0.1:8080/invite/abc"
	got, err := renderQR(url)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := qr.Encode(url, qr.L)
	size := code.Size + 2*qrQuiet
	lines := strings.Split(got, "\n")
	if len(lines) != (size+1)/2 {
		t.Fatalf("rows = %d, want %d", len(lines), (size+1)/2)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != size {
			t.Fatalf("row %d width = %d, want %d", i, w, size)
		}
	}
	// Row 0 pairs the quiet zone (light) with the finder's top edge (dark)
	// at x = quiet: an upper half block.
	if r := []rune(lines[0])[qrQuiet]; r != '▀' {
		t.Errorf("finder corner = %q, want ▀", r)
	}
}
