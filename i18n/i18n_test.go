package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// catalog is one TOML file as written: id → text, or id → plural form → text.
func catalog(t *testing.T, name string) map[string]any {
	t.Helper()
	buf, err := fs.ReadFile(files, name)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := toml.Unmarshal(buf, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// forms is a message's text per plural form ("other" for a plain one).
func forms(v any) map[string]string {
	switch v := v.(type) {
	case string:
		return map[string]string{"other": v}
	case map[string]any:
		out := map[string]string{}
		for k, s := range v {
			out[k], _ = s.(string)
		}
		return out
	}
	return nil
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCatalogsComplete fails on a message missing in any language, an id
// English lacks, a placeholder dropped or renamed, or a plural message
// without the forms its language's CLDR rules need.
func TestCatalogsComplete(t *testing.T) {
	if err := Err(); err != nil {
		t.Fatal(err)
	}
	en := catalog(t, "en.toml")
	if len(Languages()) < 3 {
		t.Fatalf("languages: %v, want at least en, de, fr", Languages())
	}
	for _, lang := range Languages() {
		if lang.Tag == Default {
			continue
		}
		t.Run(lang.Tag, func(t *testing.T) {
			tr := catalog(t, lang.Tag+".toml")
			for _, id := range slices.Sorted(maps.Keys(en)) {
				v, ok := tr[id]
				if !ok {
					t.Errorf("%s: missing", id)
					continue
				}
				want := placeholders(strings.Join(slices.Collect(maps.Values(forms(en[id]))), " "))
				for form, text := range forms(v) {
					if got := placeholders(text); !slices.Equal(got, want) && !(form == "one" && slices.Equal(got, slices.DeleteFunc(slices.Clone(want), func(s string) bool { return s == "Count" }))) {
						t.Errorf("%s (%s): placeholders %v, English has %v", id, form, got, want)
					}
				}
			}
			for id := range tr {
				if _, ok := en[id]; !ok {
					t.Errorf("%s: not in en.toml (a typo, or English lacks it)", id)
				}
			}
		})
	}
}

// TestPluralForms renders every plural message in every language for counts
// that fall in each of their CLDR forms (0, 1, 2, a million): a missing form
// is an error from go-i18n.
func TestPluralForms(t *testing.T) {
	en := catalog(t, "en.toml")
	for _, lang := range Languages() {
		loc := New(lang.Tag)
		for id, v := range en {
			if _, plural := v.(map[string]any); !plural {
				continue
			}
			for _, n := range []int{0, 1, 2, 1000000} {
				_, err := loc.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{"Count": n}})
				if err != nil {
					t.Errorf("%s %s count %d: %v", lang.Tag, id, n, err)
				}
			}
		}
	}
}

func TestFrenchOneCoversZero(t *testing.T) {
	en, fr := New("en"), New("fr")
	if a, b := en.N("UsersN", 0), en.N("UsersN", 1); a == b {
		t.Errorf("English says 0 and 1 alike: %q", a)
	}
	if a, b := fr.N("UsersN", 0), fr.N("UsersN", 1); strings.Replace(a, "0", "1", 1) != b {
		t.Errorf("French 0 and 1 should share the form one: %q, %q", a, b)
	}
}

func TestSupported(t *testing.T) {
	for in, want := range map[string]string{
		"de": "de", "de-AT": "de", "de_DE.UTF-8": "de", "fr_CA@euro": "fr", "FR": "fr",
		"en_US.UTF-8": "en", "C": "en", "POSIX": "en", "ja_JP.UTF-8": "", "": "", "x y": "",
	} {
		if got := Supported(in); got != want {
			t.Errorf("Supported(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if got := FromEnv(env(map[string]string{"LANG": "de_DE.UTF-8"})); got != "de" {
		t.Errorf("LANG: %q", got)
	}
	if got := FromEnv(env(map[string]string{"LANG": "de_DE.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"})); got != "fr" {
		t.Errorf("LC_MESSAGES over LANG: %q", got)
	}
	if got := FromEnv(env(map[string]string{"LC_ALL": "C", "LANG": "de_DE"})); got != "en" {
		t.Errorf("LC_ALL over all: %q", got)
	}
	if got := FromEnv(env(nil)); got != "" {
		t.Errorf("none: %q", got)
	}
}

func TestErrorSaysItselfInTheLanguage(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", E("ErrTooLong", "Max", 5))
	if got := err.Error(); got != "wrapped: too long: at most 5 characters" {
		t.Errorf("English: %q", got)
	}
	if got := New("de").Error(err); got != "zu lang: höchstens 5 Zeichen" {
		t.Errorf("German: %q", got)
	}
	lerr := New("fr").Localize(err)
	if !strings.Contains(lerr.Error(), "trop long") {
		t.Errorf("French: %q", lerr)
	}
	var e *Error
	if !errors.As(lerr, &e) {
		t.Error("the localized error lost its cause")
	}
	if got := New("de").Error(errors.New("plain")); got != "plain" {
		t.Errorf("a plain error: %q", got)
	}
}

func TestLanguageNames(t *testing.T) {
	var names []string
	for _, l := range Languages() {
		names = append(names, l.Tag+"="+l.Name)
	}
	if got := strings.Join(names, " "); got != "en=English de=Deutsch fr=Français" {
		t.Errorf("languages: %s", got)
	}
}

func TestNumbers(t *testing.T) {
	for lang, want := range map[string]string{"en": "100,000", "de": "100.000", "fr": "100 000"} {
		if got := New(lang).Number(100000); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := New("de").N("UsersN", 100000); got != "100.000 Benutzer" {
		t.Errorf("German plural with a big count: %q", got)
	}
}

// TestIDsUsedInCodeExist: every literal message id the code asks for
// (l.T("…"), c.t("…"), s.sayT("…"), i18n.E("…"), helpKey(…, "…")) is in
// the English catalog, so none shows up as its bare id.
func TestIDsUsedInCodeExist(t *testing.T) {
	en := catalog(t, "en.toml")
	calls := regexp.MustCompile(`(?:\.(?:T|N|t|n|sayT)\(|\bE\(|helpKey\("[^"]*", "[^"]*", )\s*"([A-Z][A-Za-z0-9_]+)"\s*[,)]`)
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range calls.FindAllStringSubmatch(string(src), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s asks for %q, which en.toml lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
