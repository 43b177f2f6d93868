package sandbox

import "strings"

// The hostile tenant is a customer whose directory is full of text that
// attacks a terminal: every name Microsoft would hand back carries escape
// sequences (CSI clear screen, OSC 52 clipboard writes, OSC 8 links, window
// title changes), bidi overrides, C1 controls and 10 KB of padding. It lets
// demos and tests show that nothing from Microsoft reaches a screen raw.

const (
	hostileInitial  = "hostile.onmicrosoft.com"
	hostileAdmin    = "admin@" + hostileInitial
	hostilePassword = "Hostile-Admin-1"
)

// Pieces of hostile text; exported to tests through HostileStrings.
const (
	hostileCSIClear = "\x1b[2J\x1b[H"
	hostileOSC52    = "\x1b]52;c;cm0gLXJmIH4vKgo=\a" // writes "rm -rf ~/*" to the clipboard
	hostileOSC8     = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
	hostileTitle    = "\x1b]0;Microsoft says: type your password\a"
	hostileBidi     = "\u202etxt.exe\u202c"
	hostileIsolate  = "\u2066admin\u2069"
	hostileC1       = "\u009b31m\u0085\u009d0;x\u009c"
)

// hostilePadding makes a 10 KB name.
var hostilePadding = strings.Repeat("Ω", 5*1024) // 2 bytes each

func hostile() *tenant {
	users := []user{
		{First: "Hostile" + hostileTitle, Last: "Admin" + hostileOSC52, GlobalAdmin: true, Password: hostilePassword},
		{First: "Mallory" + hostileCSIClear, Last: hostileOSC8},
		{First: hostileBidi, Last: "Trojan" + hostileIsolate},
		{First: "C1" + hostileC1, Last: "Controls"},
		{First: "Long", Last: hostilePadding + hostileCSIClear},
		{First: "Eve", Last: "Escapes"},
	}
	locals := []string{"admin", "mallory", "trojan", "c1", "long", "eve\x1b[2J"}
	for i := range users {
		users[i].ID = deriveID("hostile/user/" + locals[i])
		users[i].UPN = locals[i] + "@" + hostileInitial
		users[i].UsageLocation = "US"
		users[i].Active = true
	}
	// A UPN on a custom domain whose name itself is hostile.
	users[2].UPN = "trojan\u202e@" + "evil\x1b]8;;x\x1b\\.example"
	return &tenant{
		ID:      deriveID("tenant/hostile"),
		Name:    "Hostile Corp" + hostileCSIClear + hostileOSC52 + hostileBidi + hostileC1 + hostileTitle + hostilePadding,
		Country: "US",
		Domains: []domain{
			{hostileInitial, false, true},
			{"evil\x1b]8;;x\x1b\\.example", true, true},
			{"\u202emoc.elpmaxe", false, false},
		},
		Dir: newListDirectory(users),
	}
}
