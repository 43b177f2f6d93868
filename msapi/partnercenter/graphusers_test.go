package partnercenter_test

import (
	"context"
	"errors"
	"testing"

	"onboard/msapi"
	"onboard/msapi/sandbox"
)

// A listing stopped after a page resumes at that page's next link and ends
// with every user listed once; the count comes first, from /users/$count.
func TestUsersResumeAtNextLinkAndCount(t *testing.T) {
	e := newEnv(t, sandbox.Options{PageSize: 4})
	ctx := context.Background()
	cust := e.linked(t, "admin@"+contoso, "Contoso-Admin-1")

	n, err := e.c.CountUsers(ctx, cust.TenantID)
	if err != nil || n < 20 {
		t.Fatalf("CountUsers = %d, %v", n, err)
	}
	stop := errors.New("stop")
	var first []msapi.User
	var next string
	err = e.c.UsersFrom(ctx, cust.TenantID, "", func(page []msapi.User, link string) error {
		first, next = append(first, page...), link
		if len(first) >= 8 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || next == "" {
		t.Fatalf("first part: %v, next %q", err, next)
	}
	seen := map[string]bool{}
	for _, u := range first {
		seen[u.ID] = true
	}
	rest := 0
	err = e.c.UsersFrom(ctx, cust.TenantID, next, func(page []msapi.User, link string) error {
		for _, u := range page {
			if seen[u.ID] {
				t.Errorf("user %s listed again after resuming", u.UPN)
			}
			seen[u.ID] = true
			rest++
		}
		return nil
	})
	if err != nil || len(first)+rest != n || len(seen) != n {
		t.Fatalf("resumed: %v; %d + %d users, %d distinct, count %d", err, len(first), rest, len(seen), n)
	}
	// A link to another host is refused before anything is sent.
	err = e.c.UsersFrom(ctx, cust.TenantID, "https://elsewhere.example/v1.0/users?$skiptoken=x", func([]msapi.User, string) error { return nil })
	if !errors.Is(err, msapi.ErrInvalidRequest) {
		t.Fatalf("foreign resume link: %v", err)
	}
}
