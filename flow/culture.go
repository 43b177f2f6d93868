package flow

import (
	"strings"

	"onboard/i18n"
)

// cultures are the Partner Center cultures (language-REGION) of each
// catalog language per country; a country not listed gets the language's
// first culture. Partner Center documents its cultures as the locales it
// supports ("en-US", "de-DE", "fr-FR", "fr-CA", …).
var cultures = map[string][]string{
	"en": {"en-US", "en-GB", "en-IE", "en-AU", "en-CA", "en-NZ", "en-IN", "en-ZA", "en-SG"},
	"de": {"de-DE", "de-AT", "de-CH", "de-LU", "de-LI"},
	"fr": {"fr-FR", "fr-BE", "fr-CH", "fr-CA", "fr-LU", "fr-MC"},
}

// MicrosoftCulture is the culture Microsoft is told for a customer who
// speaks lang (a catalog tag, "" for the default) in country: "de" in
// Austria is "de-AT", "de" in France is "de-DE", "fr" in Canada "fr-CA".
func MicrosoftCulture(lang, country string) string {
	lang = i18n.New(lang).Lang()
	country = strings.ToUpper(strings.TrimSpace(country))
	want := lang + "-" + country
	list, ok := cultures[lang]
	if !ok { // a language a provider added: its own tag with the country
		if country == "" {
			return lang
		}
		return want
	}
	for _, c := range list {
		if c == want {
			return c
		}
	}
	return list[0]
}
