package flow

import "onboard/internal/tlds"

// The tests check top-level domains as the program does.
func init() { TLDKnown = tlds.Known }
