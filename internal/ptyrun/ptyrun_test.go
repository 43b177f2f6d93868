package ptyrun

import (
	"context"
	"testing"
	"time"
)

func TestScreenAndKeys(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Start(ctx, 40, 10, nil, "sh", "-c", `printf 'name? '; read x; printf '\033[2J\033[Hhello %s\n' "$x"`)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.WaitForText(ctx, "name?"); err != nil {
		t.Fatal(err)
	}
	if err := s.Type("Ada"); err != nil {
		t.Fatal(err)
	}
	if err := s.Press("enter"); err != nil {
		t.Fatal(err)
	}
	screen, err := s.WaitForText(ctx, "hello Ada")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(ctx); err != nil {
		t.Fatalf("exit: %v\n%s", err, screen)
	}
}
