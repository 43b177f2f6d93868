package flow

import (
	"testing"
	"time"
)

func TestEstimateFromTheStepsRate(t *testing.T) {
	var e Estimate
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := Progress{Step: "users", Done: 100_000, Total: 1_000_000} // resumed: 100k were saved before
	if _, ok := e.Left(p, t0); ok {
		t.Fatal("estimate before the step moved")
	}
	p.Done = 200_000
	if _, ok := e.Left(p, t0.Add(time.Second)); ok {
		t.Fatal("estimate after one second")
	}
	p.Done = 400_000 // 300k in 6 s: 600k more take 12 s
	left, ok := e.Left(p, t0.Add(6*time.Second))
	if !ok || left != 12*time.Second {
		t.Fatalf("left %v %v, want 12s", left, ok)
	}
	if got := FormatLeft(left); got != "about 10 s left" {
		t.Fatalf("%q", got)
	}
	if _, ok := e.Left(Progress{Step: "done"}, t0.Add(7*time.Second)); ok {
		t.Fatal("estimate for a new step at once")
	}
	for d, want := range map[time.Duration]string{3 * time.Second: "a few seconds left", 47 * time.Second: "about 45 s left",
		4*time.Minute + 20*time.Second: "about 4 min left", 3 * time.Hour: "about 3 h left"} {
		if got := FormatLeft(d); got != want {
			t.Errorf("FormatLeft(%v) = %q, want %q", d, got, want)
		}
	}
}
