package ui

import (
	"charm.land/bubbles/v2/key"

	"onboard/i18n"
)

// langKey switches the customer's language on the first screen.
var langKey = key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "language"))

// keyMapIn is DefaultKeyMap with its help in l's language.
func keyMapIn(l *i18n.Localizer) KeyMap {
	k := DefaultKeyMap()
	for _, b := range []struct {
		b  *key.Binding
		id string
	}{
		{&k.Quit, "KeyQuit"}, {&k.Back, "KeyBack"}, {&k.Demo, "KeyDemo"}, {&k.Next, "KeyContinue"},
		{&k.Up, "KeyUp"}, {&k.Down, "KeyDown"}, {&k.Inc, "KeySeats"}, {&k.Dec, "KeyFewer"},
		{&k.Open, "KeyOpenPage"}, {&k.Reopen, "KeyReopen"}, {&k.Copy, "KeyCopyLink"}, {&k.Cancel, "KeyStop"},
		{&k.QR, "KeyBigQR"}, {&k.Retry, "KeyRetry"}, {&k.Toggle, "KeySelect"}, {&k.Save, "KeySave"},
		{&k.NextSku, "KeyNextLicense"}, {&k.Resume, "KeyResume"}, {&k.StartNew, "KeyStartOver"},
		{&k.Assign, "KeyAssign"}, {&k.Finish, "KeyFinish"}, {&k.Move, "KeyMove"}, {&k.PayOrder, "KeyPayOrder"},
	} {
		b.b.SetHelp(b.b.Help().Key, l.T(b.id))
	}
	return k
}

// agentKeysIn is defaultAgentKeys with its help in l's language.
func agentKeysIn(l *i18n.Localizer) agentKeys {
	k := defaultAgentKeys()
	k.Wait.SetHelp(k.Wait.Help().Key, l.T("KeyWaitAcceptance"))
	k.Continue.SetHelp(k.Continue.Help().Key, l.T("KeyContinue"))
	k.Another.SetHelp(k.Another.Help().Key, l.T("KeyNextCustomer"))
	k.Finish.SetHelp(k.Finish.Help().Key, l.T("KeyFinish"))
	return k
}

// helpKey is a binding with its help in the screens' language.
func (c *common) helpKey(keys, shown, id string, kv ...any) key.Binding {
	return key.NewBinding(key.WithKeys(keys), key.WithHelp(shown, c.t(id, kv...)))
}
