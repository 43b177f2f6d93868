package cli

import (
	"onboard/flow"
	"onboard/internal/tlds"
)

// Every command checks e-mail domains against the public suffix list
// (flow cannot link it itself: see internal/tlds).
func init() { flow.TLDKnown = tlds.Known }
