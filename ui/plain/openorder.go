package plain

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"onboard/flow"
)

// ErrStopped: the person chose not to go on.
var ErrStopped = errors.New("stopped at the person's choice")

// createOrder creates the order for the answers (create is CreateOrder, or
// the agent's version that also looks at the invitation). When the
// Microsoft account already has an open order, it offers to continue with
// that order or to cancel it and make a new one: never a second one silently.
func (s *session) createOrder(create func() (flow.Order, error)) error {
	for {
		var open *flow.OpenOrderError
		err := s.again(s.t("PlainCreatingOrder"), func() error {
			o, err := create()
			if errors.As(err, &open) {
				return nil // decided below, not retried
			}
			s.order = o
			return err
		})
		if err != nil || open == nil {
			if err == nil {
				s.a.OrderID = s.order.ID
			}
			return err
		}
		if done, err := s.offerOpenOrder(open.Order); done || err != nil {
			return err
		}
		s.a.OrderID = uuid.NewString() // the old one is cancelled: a new order
	}
}

// offerOpenOrder reads out the open order and asks what to do: done when
// the sign-up continues with it, false when it was cancelled.
func (s *session) offerOpenOrder(o flow.Order) (done bool, err error) {
	var lines []string
	for _, l := range o.Lines {
		lines = append(lines, fmt.Sprintf("%d × %s", l.Quantity, clean(l.Name, 60)))
	}
	s.sayT("PlainOpenOrder", "Number", clean(o.Number, 30), "Status", s.t("Status"+string(o.Status)),
		"Lines", strings.Join(lines, ", "), "Total", s.money(o.Total(), o.Currency))
	cont, err := s.confirm(s.t("PlainContinueOrder", "Number", clean(o.Number, 30)), true)
	if err != nil {
		return false, err
	}
	if cont {
		s.order, s.a.OrderID = o, o.ID
		return true, nil
	}
	replace, err := s.confirm(s.t("PlainReplaceOrder", "Number", clean(o.Number, 30)), false)
	if err != nil {
		return false, err
	}
	if !replace {
		return false, fmt.Errorf("order %s stays open: %w", clean(o.Number, 30), ErrStopped)
	}
	if _, err := s.Backend.Cancel(s.ctx, o.ID, "replaced by a new sign-up for the same Microsoft account"); err != nil {
		s.say("%s", clean(s.explain(err), maxExplained))
		return false, fmt.Errorf("cancel order %s: %w", clean(o.Number, 30), err)
	}
	s.sayT("PlainOrderCancelled", "Number", clean(o.Number, 30))
	return false, nil
}
