package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWriteJSONEscapesTerminalRunes(t *testing.T) {
	in := map[string]string{"name": "Acme\u202egnp.exe\u009b31m\u0085\x7f\x1b]52;c;AAAA\a Müller ✓"}
	var buf bytes.Buffer
	if err := writeJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, raw := range []string{"\u202e", "\u009b", "\u0085", "\x7f", "\x1b", "\a"} {
		if strings.Contains(out, raw) {
			t.Errorf("output holds raw %q: %s", raw, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back["name"] != in["name"] {
		t.Fatalf("value changed: %q, %v", back["name"], err)
	}
	if !strings.Contains(out, "Müller ✓") {
		t.Errorf("printable non-ASCII was escaped: %s", out)
	}
}
