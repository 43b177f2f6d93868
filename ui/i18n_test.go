package ui

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
	"onboard/i18n"
	"onboard/internal/testworld"
)

// inLocale starts the wizard in lang, as a provider's locale or a kiosk's
// kiosk_locale does.
func inLocale(lang string) func(*world, *Options) {
	return func(_ *world, o *Options) { o.Locale = lang }
}

// uncut fails when the screen's own text is cut to fit 80x24: more lines
// than the body holds, a line wider than it, a header title shortened, or a
// key of the screen's help left out of the footer. German is the longest
// language: its words must fit, not be cut.
func (h *harness) uncut() {
	h.t.Helper()
	c, scr := h.m.c, h.m.active()
	body := strings.Split(scr.view(), "\n")
	if len(body) > c.bodyHeight() {
		h.t.Errorf("the screen has %d lines, the body %d: the last are cut:\n%s", len(body), c.bodyHeight(), ansi.Strip(scr.view()))
	}
	for i, l := range body {
		if w := ansi.StringWidth(l); w > c.bodyWidth() {
			h.t.Errorf("line %d is %d cells wide, the body %d: it is cut: %q", i, w, c.bodyWidth(), ansi.Strip(l))
		}
	}
	lines := strings.Split(h.view(), "\n")
	if !strings.Contains(lines[0], scr.title()) {
		h.t.Errorf("the header cuts the title %q: %q", scr.title(), lines[0])
	}
	// The footer gives way from its least important key when it is too
	// narrow: the language must not make it give way more than English.
	footer := h.m.footer(scr.help())
	lang := c.loc.Lang()
	c.setLang("en")
	english := h.m.footer(scr.help())
	c.setLang(lang)
	if got, want := strings.Count(footer, "•"), strings.Count(english, "•"); got < want {
		h.t.Errorf("the footer drops keys English shows:\n%s\n%s", ansi.Strip(footer), ansi.Strip(english))
	}
}

// shot is a golden of the screen at 80x24 that must also be uncut.
func (h *harness) shot(t *testing.T) {
	t.Helper()
	h.t = t
	h.uncut()
	h.golden()
}

// typeDetailsIn answers the details form with the country searched by its
// name in the screens' language.
func (h *harness) typeDetailsIn(country string) {
	h.t.Helper()
	for _, v := range []string{"Contoso GmbH", "Ada", "Lovelace", "ada@contoso.com"} {
		h.typeText(v)
		h.key("enter")
	}
	h.typeText("/" + country)
	h.key("enter")
	h.typePhoneAndAddress()
	h.requireState(stateAgreement)
}

// TestGermanGoldens: a kiosk with locale "de" runs the trial scenario in
// German; every main screen at 80x24 shows all its words and its keys.
func TestGermanGoldens(t *testing.T) {
	h := newHarness(t, inLocale("de"))
	t.Run("licenses", func(t *testing.T) {
		h.key("+", "+", "down", "3")
		h.requireView("Lizenzen wählen")
		h.requireView("Summe pro Monat: 46,30 €")
		h.shot(t)
	})
	t.Run("licenses nothing chosen", func(t *testing.T) {
		h2 := newHarness(t, inLocale("de"))
		h2.key("enter")
		h2.requireView("Mindestens eine Lizenz")
		h2.shot(t)
	})
	t.Run("account", func(t *testing.T) {
		h.key("enter")
		h.requireState(stateAccount)
		h.shot(t)
	})
	t.Run("details", func(t *testing.T) {
		h.key("enter")
		h.requireState(stateDetails)
		h.shot(t)
	})
	t.Run("details invalid e-mail", func(t *testing.T) {
		h2 := newHarness(t, inLocale("de"))
		h2.chooseLicenses()
		h2.key("enter")
		for _, v := range []string{"Contoso GmbH", "Ada", "Lovelace", "ada-at-contoso"} {
			h2.typeText(v)
			h2.key("enter")
		}
		h2.requireView("E-Mail-Adresse wie name@example.com eingeben")
		h2.shot(t)
	})
	t.Run("agreement", func(t *testing.T) {
		h.requireState(stateDetails)
		h.typeDetailsIn("Deutschl")
		h.requireView("Microsoft-Kundenvereinbarung")
		h.shot(t)
	})
	t.Run("administrator", func(t *testing.T) {
		h.key("y")
		h.requireState(stateAdmin)
		h.shot(t)
	})
	t.Run("wrong password", func(t *testing.T) {
		h.signInAs(contosoAdmin, "wrong")
		h.requireView("Anmeldename oder Kennwort ist falsch")
		h.shot(t)
	})
	t.Run("invitation", func(t *testing.T) {
		h.signIn(contosoPassword)
		h.requireState(stateConsent)
		h.clock = h.clock.Add(83e9)
		h.requireView("Unsere Einladung als Administrator annehmen")
		h.shot(t)
	})
	t.Run("admin relationship", func(t *testing.T) {
		// The longest German text of the flow: nothing of it may be cut.
		h.holdGDAP = true
		h.w.accept()
		h.pollConsent()
		h.requireState(stateGDAP)
		h.requireView("Genehmigung von selbst weiter.")
		h.shot(t)
	})
	t.Run("review", func(t *testing.T) {
		h.holdGDAP = false
		h.approveGDAP()
		h.requireState(stateReview)
		h.requireView("Bestellung prüfen")
		h.shot(t)
	})
	t.Run("pay", func(t *testing.T) {
		h.key("enter")
		h.pollPayment()
		h.requireView("auf der Zahlungsseite bezahlen")
		h.shot(t)
	})
	t.Run("declined", func(t *testing.T) {
		h.w.pay(testworld.DeclinedCard)
		h.pollPayment()
		h.requireView("abgelehnt")
		h.shot(t)
	})
	t.Run("done", func(t *testing.T) {
		h.key("enter")
		h.w.pay(testworld.TestCard)
		h.pollPayment()
		h.requireState(stateDone)
		h.requireView("Ihre Lizenzen sind bereit")
		h.shot(t)
	})
}

// TestFrenchSwitchGoldens: a kiosk in German; the customer switches to
// French on the first screen and the sign-up goes on in French, its draft
// keeping the choice.
func TestFrenchSwitchGoldens(t *testing.T) {
	h := newHarness(t, inLocale("de"))
	h.key("+", "+", "down", "3")
	h.requireView("‹Deutsch›")
	h.key("ctrl+l")
	t.Run("licenses", func(t *testing.T) {
		h.requireView("Choisir les licences")
		h.requireView("‹Français›")
		h.requireView("46,30 €")
		h.shot(t)
	})
	if h.m.c.answers.Language != "fr" {
		t.Fatalf("the sign-up's language is %q, want fr", h.m.c.answers.Language)
	}
	t.Run("account", func(t *testing.T) {
		h.key("enter")
		h.requireState(stateAccount)
		h.requireView("Utiliser un compte Microsoft existant")
		h.shot(t)
	})
	t.Run("details", func(t *testing.T) {
		h.key("enter")
		h.requireState(stateDetails)
		h.requireView("Nom de l’entreprise")
		h.shot(t)
	})
	t.Run("agreement", func(t *testing.T) {
		h.typeDetailsIn("Allemagne")
		h.requireView("Contrat client Microsoft")
		h.shot(t)
	})
	t.Run("resumed in French", func(t *testing.T) {
		// The draft saved on the way keeps the language: the next start
		// on this terminal (in German) offers it back in French.
		h2 := newHarness(t, inLocale("de"), func(w *world, o *Options) { *w = *h.w; o.Backend = h.w.svc })
		h2.requireState(stateResume)
		h2.requireView("Bon retour")
		h2.key("enter")
		h2.requireState(stateAgreement)
		h2.requireView("Contrat client Microsoft")
	})
}

// Every key of the German key map has German help (no English left).
func TestGermanKeyHelp(t *testing.T) {
	h := newHarness(t, inLocale("de"))
	en := DefaultKeyMap()
	for _, pair := range [][2]key.Binding{{h.m.c.keys.Quit, en.Quit}, {h.m.c.keys.Next, en.Next}, {h.m.c.keys.Back, en.Back}} {
		if pair[0].Help().Desc == pair[1].Help().Desc {
			t.Errorf("%s still says %q", pair[0].Help().Key, pair[0].Help().Desc)
		}
	}
}

// A kiosk set to German greets in German; a customer switches to French;
// when the sign-up is wiped the next person is greeted in German again,
// and the countdown is in the customer's language.
func TestKioskLanguagePerCustomer(t *testing.T) {
	h := newKioskHarness(t, func(_ *kioskHarness, o *KioskOptions) { o.Locale, o.DropDrafts = "de", true })
	h.requireView("Lizenzen wählen")
	h.key("ctrl+l") // Français
	h.requireView("Choisir les licences")
	h.key("+", "+", "enter")
	h.requireView("Compte Microsoft")
	h.wait(91 * time.Second)
	h.requireView("Êtes-vous toujours là ?")
	h.wait(DefaultKioskIdle)
	h.requireView("Lizenzen wählen")
	if got := h.k.inner.c.answers.Language; got != "de" {
		t.Errorf("the next sign-up's language = %q, want the kiosk's de", got)
	}
}

// An agent whose LANG is German gets the agent's screens in German, uncut.
func TestGermanAgentGoldens(t *testing.T) {
	h := newHarness(t, agentMode(flow.PolicyPayFirst), inLocale("de"))
	h.agentLicenses()
	t.Run("subdomain", func(t *testing.T) {
		h.requireView("Welches Microsoft-Konto hat der Kunde bereits?")
		h.shot(t)
	})
	t.Run("invalid", func(t *testing.T) {
		h.agentSubdomain("contoso.example.com")
		h.requireView("nur den Namen vor .onmicrosoft.com eingeben")
		h.shot(t)
	})
	t.Run("invitation", func(t *testing.T) {
		h.m.screens[stateSubdomain].(*subdomainScreen).input.SetValue("")
		h.agentSubdomain("contoso")
		h.requireState(stateDetails)
		h.typeDetailsIn("Deutschl")
		h.requireView("Zeigen Sie dem Kunden die Vereinbarung")
		h.key("y")
		h.requireState(stateInvitation)
		h.requireView("Geben Sie dem Kunden diesen Link")
		h.shot(t)
	})
}

// TestGermanTextsUncut: texts that were cut at 80x24 in German are whole:
// a field's message longer than a line (huh wraps it under the form), the
// new phone and address messages, and an agent's header with both badges.
func TestGermanTextsUncut(t *testing.T) {
	details := func(t *testing.T, answers ...string) *harness {
		h := newHarness(t, inLocale("de"))
		h.chooseLicenses()
		h.key("enter")
		for _, v := range answers {
			h.typeText(v)
			h.key("enter")
		}
		return h
	}
	t.Run("long e-mail message", func(t *testing.T) {
		h := details(t, "Contoso GmbH", "Ada", "Lovelace", "ada@fabrikam-ausgesprochen-lange-domain-mit_unterstrich.example")
		h.requireState(stateDetails)
		// huh wraps it where it may, also inside the domain: its words are all there.
		v := strings.Join(strings.Fields(h.view()), "")
		if want := `derTeilnach@("fabrikam-ausgesprochen-lange-domain-mit_unterstrich.example")istkeinegültigeDomain,z.B.example.com`; !strings.Contains(v, want) {
			t.Fatalf("the message is cut:\n%s", h.view())
		}
		h.shot(t)
	})
	t.Run("phone too short", func(t *testing.T) {
		h := details(t, "Contoso GmbH", "Ada", "Lovelace", "ada@contoso.com", "/Vereinigte Staaten", "+1 555 0100")
		h.requireView("zu kurz: mit Vorwahl eingeben, z. B. +1 201-555-0123")
		h.shot(t)
	})
	t.Run("phone number as street", func(t *testing.T) {
		h := details(t, "Contoso GmbH", "Ada", "Lovelace", "ada@contoso.com", "/Deutschl", "030 1234567", "030 1234567")
		h.requireView("auch den Straßennamen eingeben, nicht nur eine Nummer")
		h.shot(t)
	})
	t.Run("agent header with both badges", func(t *testing.T) {
		h := newHarness(t, agentMode(flow.PolicyPayFirst), inLocale("de"), func(_ *world, o *Options) {
			o.Agent = "Maximiliane Mustermann-Schmidt"
		})
		h.m.sandbox = true
		h.agentLicenses()
		h.requireView("Konto des Kunden")
		h.requireView("AGENT")
		h.requireView("SANDBOX")
		h.shot(t)
	})
}

// The time a wait has taken stays on the line of its text beside a QR
// code, in every language (the German consent wait wrapped it alone onto
// the next line).
func TestWaitingTimeStaysWithItsText(t *testing.T) {
	for _, lang := range []string{"en", "de", "fr"} {
		h := newHarness(t, inLocale(lang))
		h.chooseLicenses()
		h.key("enter")
		country := map[string]string{"en": "Germany", "de": "Deutschl", "fr": "Allemagne"}[lang]
		h.typeDetailsIn(country)
		h.key(map[string]string{"en": "y", "de": "j", "fr": "o"}[lang])
		h.signIn(contosoPassword)
		h.requireState(stateConsent)
		h.clock = h.clock.Add(12*time.Minute + 34*time.Second)
		waiting := h.m.c.t("ConsentWaiting")
		found := false
		for _, line := range strings.Split(h.view(), "\n") {
			if strings.Contains(line, "12:34") {
				found = strings.Contains(line, waiting)
			}
		}
		if !found {
			t.Errorf("%s: the time is not beside %q:\n%s", lang, waiting, h.view())
		}
		if lang == "de" {
			t.Run("de", func(t *testing.T) { h.shot(t) })
		}
	}
}

// titled is a screen with another title, at the path's last step: the
// header's longest "Step n of m".
type titled struct {
	screen
	text string
}

func (s titled) title() string     { return s.text }
func (s titled) step() flow.StepID { return flow.StepDone }

// Every screen's title fits the header at 80 columns in every language,
// beside the step count and the SANDBOX badge, the provider's name giving
// way first (tried in French: the admin relationship's title was cut).
func TestEveryTitleFitsTheHeader(t *testing.T) {
	ids := []string{"AccountTitle", "AdminTitle", "AgentDoneTitle", "AgreementTitle", "AssignTitle", "ConsentTitle",
		"PlainStepCreate", "DetailsTitle", "DetailsTitleAgent", "DoneTitle", "Welcome", "WelcomeBack", "GDAPTitle",
		"PlainStepInvitation", "LicensesTitle", "NewAccountTitle", "PlainPayExisting", "ProcessingTitle", "ReviewTitle",
		"PayTitle", "SubdomainTitle"}
	// An agent's header carries two badges, AGENT with the agent's name
	// (up to 24 cells) and SANDBOX, on the agent's 8-step path.
	agent := func(w *world, o *Options) {
		agentMode(flow.PolicyPayFirst)(w, o)
		o.Agent = "Maximiliane Mustermann-Schmidt"
	}
	for _, l := range i18n.Languages() {
		for _, mode := range []func(*world, *Options){func(*world, *Options) {}, agent} {
			h := newHarness(t, inLocale(l.Tag), mode)
			h.m.sandbox = true
			for _, id := range ids {
				title := h.m.c.t(id)
				line := ansi.Strip(h.m.header(titled{h.m.active(), title}))
				if !strings.Contains(line, title) || !strings.Contains(line, "SANDBOX") ||
					(h.m.c.agentMode() && !strings.Contains(line, "AGENT")) {
					t.Errorf("%s %s: the header cuts %q: %q", l.Tag, id, title, line)
				}
				if w := ansi.StringWidth(line); w > h.m.c.bodyWidth() {
					t.Errorf("%s %s: the header is %d cells wide: %q", l.Tag, id, w, line)
				}
			}
		}
	}
}

// The agreement takes the language's letter for yes (j in German, o in
// French) as well as y: a German customer presses j.
func TestAgreementTakesTheLanguagesYes(t *testing.T) {
	for lang, yes := range map[string]string{"de": "j", "fr": "o"} {
		h := newHarness(t, inLocale(lang))
		h.chooseLicenses()
		h.key("enter")
		country := map[string]string{"de": "Deutschl", "fr": "Allemagne"}[lang]
		h.typeDetailsIn(country)
		h.key(yes)
		h.requireState(stateAdmin)
	}
}

// Where no browser opens (a kiosk), the invitation screen does not say
// Enter opens it in a browser: it points to the QR code and the phone.
func TestConsentWithoutABrowserPointsToThePhone(t *testing.T) {
	h := newHarness(t, func(_ *world, o *Options) { o.Browser = NoBrowser{} })
	h.chooseLicenses()
	h.key("enter")
	h.typeDetailsIn("Germany")
	h.key("y")
	h.signIn(contosoPassword)
	h.requireState(stateConsent)
	h.requireView("Scan the QR code with your phone")
	if strings.Contains(h.view(), "Press Enter to open the invitation page") {
		t.Fatalf("a kiosk promises a browser:\n%s", h.view())
	}
	// Nor does any later screen offer to open a page, or report that
	// opening one failed: nothing was meant to open.
	noBrowserTalk := func(where string) {
		t.Helper()
		for _, s := range []string{"open page", "reopen", "could not be opened", "opens in your browser"} {
			if strings.Contains(h.view(), s) {
				t.Fatalf("%s at a kiosk says %q:\n%s", where, s, h.view())
			}
		}
	}
	noBrowserTalk("the invitation")
	h.w.accept()
	h.holdGDAP = true
	h.pollConsent()
	h.requireState(stateGDAP)
	noBrowserTalk("the admin relationship")
	h.approveGDAP()
	h.requireState(stateReview)
	h.key("enter")
	h.requireView("Scan the QR code with your phone to open")
	noBrowserTalk("paying")
}
