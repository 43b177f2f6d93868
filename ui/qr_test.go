package ui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
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

// The large code uses the room it has: twice the small one's size where
// that fits, the small one's where it does not.
func TestBigQRScalesToFit(t *testing.T) {
	url := "https://microsoft.sandbox.test/i/5a4d1b2e"
	small, err := renderQR(url)
	if err != nil {
		t.Fatal(err)
	}
	sw, sh := lipgloss.Width(small), lipgloss.Height(small)
	if got := bigQR(url, sw, sh); got != small {
		t.Errorf("with room for the small code only, the large one differs")
	}
	big := bigQR(url, 2*sw, sh*2)
	if w, h := lipgloss.Width(big), lipgloss.Height(big); w != 2*sw || h < 2*sh-1 {
		t.Errorf("large code is %dx%d, want %dx%d (small %dx%d)", w, h, 2*sw, 2*sh, sw, sh)
	}
}
