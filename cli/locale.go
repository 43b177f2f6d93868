package cli

import (
	"strings"

	"onboard/i18n"
	"onboard/server"
)

// agentLocale is the language of an agent's wizard: the agent's own
// LC_ALL, LC_MESSAGES or LANG, English otherwise. The customer's language
// setting is for customers; an agent's commands stay in English.
func agentLocale(getenv func(string) string) string {
	if l := i18n.FromEnv(getenv); l != "" {
		return l
	}
	return i18n.Default
}

// sessionEnv reads an SSH session's environment (LANG sent with SendEnv).
func sessionEnv(t server.Terminal) func(string) string {
	var env []string
	if t.Remote != nil {
		env = t.Remote.Environ
	}
	return func(key string) string {
		for _, kv := range env {
			if k, v, ok := strings.Cut(kv, "="); ok && k == key {
				return v
			}
		}
		return ""
	}
}
