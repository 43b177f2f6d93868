package plain_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"onboard/msapi/sandbox"
	"onboard/ui/plain"
)

// TestPipedFlowReadsOutShortLinks: with a public_url the invitation and
// approval links are read out as short links, easier to type from a
// screen reader, while opening tries the links themselves.
func TestPipedFlowReadsOutShortLinks(t *testing.T) {
	w := newWorld(t)
	w.svc.PublicURL, w.svc.ShortLinks = "https://signup.example.com", w.db
	var mu sync.Mutex
	var opened []string
	openURL := func(u string) error {
		mu.Lock()
		defer mu.Unlock()
		opened = append(opened, u)
		return errors.New("no browser here")
	}
	const admin, password = "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"
	out, done := w.run(plain.Options{OpenURL: openURL}, answers(
		[]string{"1"}, []string{"3", "10", "", "n"}, []string{"1"}, details,
		[]string{"y", admin, password},
		[]string{"y"}, // pay
	)...)
	code := out.waitFor(t, regexp.MustCompile(`Enter this code there: ([A-Z0-9]{9})`), done)
	if err := w.ms.ApproveDeviceSignIn(code[1], admin, password, sandbox.MFADemoCode); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, regexp.MustCompile(`signup\.example\.com/a/[0-9a-z]{10}[\s\S]*Waiting for Microsoft to confirm the invitation`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	w.approveGDAP(t, out, done, admin, password)
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	short := regexp.MustCompile(`https://signup\.example\.com/a/[0-9a-z]{10}`).FindAllString(got, -1)
	if len(short) != 2 || short[0] == short[1] {
		t.Fatalf("short links read out: %v, want the invitation's and the approval's:\n%s", short, got)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range opened {
		if strings.Contains(u, "signup.example.com") {
			t.Errorf("opened the short link %s, want the link itself", u)
		}
	}
	if !strings.Contains(strings.Join(opened, " "), "/granularAdminRelationships/") {
		t.Errorf("opened %v, want the approval link among them", opened)
	}
}
