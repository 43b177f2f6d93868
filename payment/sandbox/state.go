package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"onboard/internal/atomicfile"
	"os"
	"sort"
	"time"

	"onboard/payment"
)

// checkoutTTL is how long a checkout can be paid, as hosted checkouts of
// real gateways expire after a day.
const checkoutTTL = 24 * time.Hour

// checkout is one hosted checkout session as the sandbox keeps it.
type checkout struct {
	ID             string        `json:"id"`
	IdempotencyKey string        `json:"idempotency_key"`
	RequestHash    string        `json:"request_hash"` // of the create request, to spot a reused key
	OrderRef       string        `json:"order_ref"`
	Description    string        `json:"description"`
	Amount         int64         `json:"amount"`
	Currency       string        `json:"currency"`
	CustomerEmail  string        `json:"customer_email,omitempty"`
	State          payment.State `json:"state"`
	PaymentID      string        `json:"payment_id,omitempty"`
	Reason         string        `json:"reason,omitempty"`
	Card           *card         `json:"card,omitempty"` // the card that paid
	CreatedAt      time.Time     `json:"created_at"`
	ExpiresAt      time.Time     `json:"expires_at"`
	PaidAt         time.Time     `json:"paid_at,omitzero"`
	Attempts       []attempt     `json:"attempts,omitempty"`
	Refunds        []refund      `json:"refunds,omitempty"`
}

// attempt is one card submitted for a checkout.
type attempt struct {
	At      time.Time `json:"at"`
	Card    card      `json:"card"`
	Outcome Outcome   `json:"outcome"`
	Reason  string    `json:"reason,omitempty"`
}

// expireAt moves an unpaid checkout past its deadline to expired; it reports
// whether anything changed.
func (c *checkout) expireAt(now time.Time) bool {
	if c.State == payment.StatePaid || c.State == payment.StateExpired || now.Before(c.ExpiresAt) {
		return false
	}
	c.State = payment.StateExpired
	c.Reason = "The checkout expired before it was paid."
	return true
}

// stateFile is the JSON document at Options.StatePath.
type stateFile struct {
	Version   int         `json:"version"`
	Checkouts []*checkout `json:"checkouts"`
}

const stateVersion = 1

// errCorruptState is a state file that was read but cannot be used.
var errCorruptState = errors.New("corrupt payment sandbox state")

// loadState reads the checkouts saved at path; a missing file is an empty
// sandbox.
func loadState(path string) (map[string]*checkout, error) {
	out := map[string]*checkout{}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read payment sandbox state: %w", err)
	}
	var f stateFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w %s: %v", errCorruptState, path, err)
	}
	if f.Version != stateVersion {
		return nil, fmt.Errorf("%w %s: unsupported version %d", errCorruptState, path, f.Version)
	}
	for _, c := range f.Checkouts {
		if c == nil || c.ID == "" {
			return nil, fmt.Errorf("%w %s: checkout without id", errCorruptState, path)
		}
		out[c.ID] = c
	}
	return out, nil
}

// saveState writes the checkouts to path atomically (temp file, fsync,
// rename) with mode 0600, so a crash never leaves half a file behind.
func saveState(path string, checkouts map[string]*checkout) error {
	f := stateFile{Version: stateVersion, Checkouts: make([]*checkout, 0, len(checkouts))}
	for _, c := range checkouts {
		f.Checkouts = append(f.Checkouts, c)
	}
	sort.Slice(f.Checkouts, func(i, j int) bool {
		a, b := f.Checkouts[i], f.Checkouts[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return a.ID < b.ID
	})
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode payment sandbox state: %w", err)
	}
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("save payment sandbox state: %w", err)
	}
	return nil
}

// clone copies c deeply enough that a rollback restores it.
func (c *checkout) clone() *checkout {
	cp := *c
	if c.Card != nil {
		cd := *c.Card
		cp.Card = &cd
	}
	cp.Attempts = append([]attempt(nil), c.Attempts...)
	cp.Refunds = append([]refund(nil), c.Refunds...)
	return &cp
}

// moveAside renames an unreadable state file so it is kept for inspection
// instead of being overwritten by the next save.
func moveAside(path, aside string) error {
	if err := os.Rename(path, aside); err != nil {
		return fmt.Errorf("move %s aside: %w", path, err)
	}
	return nil
}
