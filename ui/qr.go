package ui

import (
	"fmt"
	"strings"

	"rsc.io/qr"
)

// qrQuiet is the quiet zone in modules. One module is enough for phone
// cameras when the terminal around it is dark, and keeps the code small.
const qrQuiet = 1

// renderQR draws text as a QR code with half blocks: one character cell
// holds two modules stacked, so the code stays square and half as tall.
// Light modules are drawn as blocks (terminal foreground), dark ones as
// blanks, which reads correctly on the dark backgrounds kiosks use.
func renderQR(text string) (string, error) { return renderQRScaled(text, 1) }

// renderQRScaled draws the code with each module scale cells wide and
// scale half-cells tall (still square), for the large code.
func renderQRScaled(text string, scale int) (string, error) {
	code, err := qr.Encode(text, qr.L)
	if err != nil {
		return "", fmt.Errorf("encode QR code: %w", err)
	}
	scale = max(scale, 1)
	light := func(x, y int) bool {
		x, y = x/scale-qrQuiet, y/scale-qrQuiet
		if x < 0 || y < 0 || x >= code.Size || y >= code.Size {
			return true
		}
		return !code.Black(x, y)
	}
	size := (code.Size + 2*qrQuiet) * scale
	var b strings.Builder
	for y := 0; y < size; y += 2 {
		if y > 0 {
			b.WriteByte('\n')
		}
		for x := 0; x < size; x++ {
			top := light(x, y)
			bottom := y+1 < size && light(x, y+1)
			b.WriteString(halfBlock(top, bottom))
		}
	}
	return b.String(), nil
}

// bigQR draws text's code at the largest scale that fits w×h cells (the
// small code's scale 1 when no larger one fits).
func bigQR(text string, w, h int) string {
	small, err := renderQR(text)
	if err != nil {
		return ""
	}
	modules := strings.Index(small+"\n", "\n")
	modules = len([]rune(small[:modules]))
	scale := 1
	for k := 2; k*modules <= w && (k*modules+1)/2 <= h; k++ {
		scale = k
	}
	if scale == 1 {
		return small
	}
	big, err := renderQRScaled(text, scale)
	if err != nil {
		return small
	}
	return big
}

func halfBlock(top, bottom bool) string {
	switch {
	case top && bottom:
		return "█"
	case top:
		return "▀"
	case bottom:
		return "▄"
	}
	return " "
}

// QR draws text as a QR code in half blocks, as the wizard shows links; for
// commands that print a link (`onboard partner login`).
func QR(text string) (string, error) { return renderQR(text) }
