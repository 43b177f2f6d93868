//go:build race

package flow_test

// Under the race detector the model test runs fewer sequences: it is there
// to find data races in what a sequence drives, not to explore more of them.
func init() { modelChecks = 6 }
