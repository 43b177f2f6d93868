package server

import (
	"context"
	"errors"
	"html"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/text/language"

	"onboard/flow"
	"onboard/i18n"
)

// ShortLinkPath is the pattern of the short links the wizard shows when
// the provider has a public_url (flow/shortlinks.go).
const ShortLinkPath = "GET /a/{code}"

// ShortLinks resolves a short link's code; flow.Service implements it.
type ShortLinks interface {
	// ShortLinkTarget returns where code leads, or flow.ErrShortLinkInvalid.
	ShortLinkTarget(ctx context.Context, code string) (string, error)
}

// ShortLinkHandler redirects a short link to the link the product stored
// for it. Nothing of the request is redirected to: the target comes from
// the database, so the handler is no open redirect. An unknown, expired or
// finished code gets a small page saying so and to ask at the counter, in
// the phone's language when a catalog has it, else lang (the kiosk's);
// which of these it was is not told.
func ShortLinkHandler(links ShortLinks, lang string, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		// The redirect's small body and the page alike run nothing.
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		target, err := links.ShortLinkTarget(r.Context(), r.PathValue("code"))
		if err == nil {
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		l := i18n.New(pageLang(r, lang))
		status, text := http.StatusNotFound, l.T("ShortLinkGone")
		if !errors.Is(err, flow.ErrShortLinkInvalid) {
			log.Error("short link", "error", err.Error())
			status, text = http.StatusServiceUnavailable, l.T("ShortLinkTrouble")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(shortLinkPage(l.Lang(), l.T("ShortLinkGoneTitle"), text)))
	})
}

// pageLang is the first of the phone's languages a catalog has, else lang.
func pageLang(r *http.Request, lang string) string {
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags {
		if s := i18n.Supported(t.String()); s != "" {
			return s
		}
	}
	return lang
}

func shortLinkPage(lang, title, text string) string {
	e := html.EscapeString
	return strings.Join([]string{
		`<!doctype html>`,
		`<html lang="` + e(lang) + `"><head><meta charset="utf-8">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<title>` + e(title) + `</title></head>`,
		`<body style="font-family: sans-serif; max-width: 32em; margin: 2em auto; padding: 0 1em">`,
		`<h1>` + e(title) + `</h1>`,
		`<p>` + e(text) + `</p>`,
		`</body></html>`, ``}, "\n")
}
