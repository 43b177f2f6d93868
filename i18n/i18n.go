// Package i18n holds the customer's words in English, German and French:
// message catalogs (en.toml, de.toml, fr.toml, embedded) read by go-i18n,
// with CLDR plural rules. A provider adds a language with one more TOML
// file named by its language tag, and a rebuild.
package i18n

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Default is the language used when none is chosen or the one asked for
// has no catalog.
const Default = "en"

//go:embed *.toml
var files embed.FS

var (
	loadOnce sync.Once
	bundle   *goi18n.Bundle
	langs    []Lang
	loadErr  error
)

// Lang is a language with a catalog: its tag ("de") and its name in
// itself ("Deutsch"), as a customer looks for it.
type Lang struct {
	Tag  string
	Name string
}

func load() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(files, "*.toml")
	if err != nil {
		loadErr = err
		return
	}
	for _, n := range names {
		buf, err := files.ReadFile(n)
		if err != nil {
			loadErr = err
			return
		}
		if _, err := bundle.ParseMessageFileBytes(buf, n); err != nil {
			loadErr = fmt.Errorf("i18n: %s: %w", n, err)
			return
		}
		tag := strings.TrimSuffix(path.Base(n), ".toml")
		name, _ := goi18n.NewLocalizer(bundle, tag).Localize(&goi18n.LocalizeConfig{MessageID: "LanguageName"})
		langs = append(langs, Lang{Tag: tag, Name: name})
	}
	// English first (the default), then the others by tag.
	sort.SliceStable(langs, func(i, j int) bool {
		if (langs[i].Tag == Default) != (langs[j].Tag == Default) {
			return langs[i].Tag == Default
		}
		return langs[i].Tag < langs[j].Tag
	})
}

func ensure() *goi18n.Bundle {
	loadOnce.Do(load)
	return bundle
}

// Err reports a catalog that did not parse (tests fail on it).
func Err() error { ensure(); return loadErr }

// Languages lists the languages with a catalog, English first.
func Languages() []Lang { ensure(); return langs }

// Supported returns the catalog language for tag, or "" when none fits.
// It takes BCP 47 tags and POSIX locales alike: "de", "de-AT", "de_DE.UTF-8",
// "fr_CA@euro". "C" and "POSIX" are English.
func Supported(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, ".@"); i >= 0 {
		tag = tag[:i]
	}
	tag = strings.ReplaceAll(tag, "_", "-")
	if tag == "" {
		return ""
	}
	if strings.EqualFold(tag, "C") || strings.EqualFold(tag, "POSIX") {
		return Default
	}
	t, err := language.Parse(tag)
	if err != nil {
		return ""
	}
	base, _ := t.Base()
	for _, l := range Languages() {
		if l.Tag == base.String() {
			return l.Tag
		}
	}
	return ""
}

// FromEnv is the language of a POSIX environment's messages: LC_ALL, then
// LC_MESSAGES, then LANG, as setlocale reads them; "" when none names a
// language with a catalog.
func FromEnv(getenv func(string) string) string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" {
			return Supported(s)
		}
	}
	return ""
}

// Localizer says things in one language. The zero value and nil speak
// English.
type Localizer struct {
	lang string
	l    *goi18n.Localizer
}

var (
	locMu sync.Mutex
	locs  = map[string]*Localizer{}
)

// New returns the localizer of lang (anything Supported takes); an unknown
// language is English.
func New(lang string) *Localizer {
	b := ensure()
	tag := Supported(lang)
	if tag == "" {
		tag = Default
	}
	locMu.Lock()
	defer locMu.Unlock()
	if l, ok := locs[tag]; ok {
		return l
	}
	l := &Localizer{lang: tag, l: goi18n.NewLocalizer(b, tag)}
	locs[tag] = l
	return l
}

// Lang is the localizer's language tag ("de").
func (l *Localizer) Lang() string {
	if l == nil || l.lang == "" {
		return Default
	}
	return l.lang
}

func (l *Localizer) loc() *goi18n.Localizer {
	if l == nil || l.l == nil {
		return New(Default).l
	}
	return l.l
}

// T is the message id with its placeholders filled from pairs of name and
// value: T("Hello", "Name", "Ada"). A message missing from the catalog is
// its id (the catalog tests keep that from shipping).
func (l *Localizer) T(id string, kv ...any) string {
	return l.render(id, nil, kv)
}

// N is the plural message id for count n ({{.Count}} in the message), by
// the language's CLDR plural rules.
func (l *Localizer) N(id string, n int, kv ...any) string {
	return l.render(id, n, append([]any{"Count", l.Number(n)}, kv...))
}

// Number writes n as the language writes numbers: 100,000 in English,
// 100.000 in German, 100 000 in French.
func (l *Localizer) Number(n int) string {
	tag := language.Make(l.Lang())
	// CLDR's French group separator is a narrow no-break space; on a
	// terminal a plain space reads the same and keeps copied text plain.
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(message.NewPrinter(tag).Sprintf("%d", n))
}

// Date writes t's day as the language writes dates (the catalog's
// DateFormat, a Go layout).
func (l *Localizer) Date(t time.Time) string { return t.Format(l.T("DateFormat")) }

func (l *Localizer) render(id string, count any, kv []any) string {
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		data[k] = kv[i+1]
	}
	s, err := l.loc().Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Error is an error whose words come from the catalog: Error() is the
// English, Localizer.Error the customer's language.
type Error struct {
	ID   string
	Args []any // pairs of placeholder name and value
}

// E makes an *Error.
func E(id string, kv ...any) *Error { return &Error{ID: id, Args: kv} }

func (e *Error) Error() string { return New(Default).T(e.ID, e.Args...) }

// Error says err in l's language: a catalog error (anywhere in the chain)
// by its message, any other error by its own text.
func (l *Localizer) Error(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return l.T(e.ID, e.Args...)
	}
	return err.Error()
}

// Localize turns err into an error that says itself in l's language, for
// forms that show err.Error(); nil stays nil.
func (l *Localizer) Localize(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	return localized{msg: l.T(e.ID, e.Args...), err: err}
}

type localized struct {
	msg string
	err error
}

func (e localized) Error() string { return e.msg }
func (e localized) Unwrap() error { return e.err }
