package sandbox

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Outcome is what the sandbox does with a card.
type Outcome string

const (
	OutcomePaid     Outcome = "paid"      // captured
	OutcomeDeclined Outcome = "declined"  // refused by the issuer; the checkout can be retried
	OutcomeTryAgain Outcome = "try again" // processing error; the checkout stays pending
)

// TestCard is a card number the sandbox recognises, with what it does.
type TestCard struct {
	Number  string // as printed, groups of four
	Outcome Outcome
	Note    string // shown to the customer when it is not paid
}

// Decline and error messages shown on the page and reported in Status.Reason.
const (
	reasonDeclined     = "Your card was declined."
	reasonInsufficient = "Your card has insufficient funds."
	reasonProcessing   = "We could not process your payment. Please try again."
	reasonNotTestCard  = "Your card was declined: this is a sandbox, use one of the test cards."
)

// TestCards are the cards the sandbox accepts; any other valid number is
// declined, as a real gateway in test mode does with live cards.
var TestCards = []TestCard{
	{Number: "4242 4242 4242 4242", Outcome: OutcomePaid, Note: "Visa: payment succeeds"},
	{Number: "5555 5555 5555 4444", Outcome: OutcomePaid, Note: "Mastercard: payment succeeds"},
	{Number: "4000 0000 0000 0002", Outcome: OutcomeDeclined, Note: reasonDeclined},
	{Number: "4000 0000 0000 9995", Outcome: OutcomeDeclined, Note: reasonInsufficient},
	{Number: "4000 0000 0000 0119", Outcome: OutcomeTryAgain, Note: reasonProcessing},
}

// errCardNumber is why a number is not a card number at all.
var errCardNumber = errors.New("Your card number is invalid.")

// card is what the sandbox keeps of a card: never the full number.
type card struct {
	Brand string `json:"brand"`
	Last4 string `json:"last4"`
}

// normalizeNumber strips the spaces and dashes people type and checks the
// digits form a plausible card number (length and Luhn checksum).
func normalizeNumber(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-':
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", errCardNumber
		}
	}
	digits := b.String()
	if len(digits) < 12 || len(digits) > 19 || !luhnValid(digits) {
		return "", errCardNumber
	}
	return digits, nil
}

// luhnValid reports whether digits passes the Luhn (mod 10) checksum.
func luhnValid(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// brandOf names the card network from the number's prefix (IIN).
func brandOf(digits string) string {
	prefix := func(n int) int {
		if len(digits) < n {
			return -1
		}
		v, _ := strconv.Atoi(digits[:n])
		return v
	}
	switch {
	case digits[0] == '4':
		return "Visa"
	case prefix(2) >= 51 && prefix(2) <= 55, prefix(4) >= 2221 && prefix(4) <= 2720:
		return "Mastercard"
	case prefix(2) == 34 || prefix(2) == 37:
		return "American Express"
	case prefix(4) == 6011 || prefix(2) == 65:
		return "Discover"
	default:
		return "Card"
	}
}

// summarize keeps only what may be stored of a card.
func summarize(digits string) card {
	return card{Brand: brandOf(digits), Last4: digits[len(digits)-4:]}
}

// outcomeOf decides what happens to a (valid) card number.
func outcomeOf(digits string) (Outcome, string) {
	for _, tc := range TestCards {
		if strings.ReplaceAll(tc.Number, " ", "") != digits {
			continue
		}
		if tc.Outcome == OutcomePaid {
			return OutcomePaid, ""
		}
		return tc.Outcome, tc.Note
	}
	return OutcomeDeclined, reasonNotTestCard
}

// parseExpiry reads "MM/YY" (also "MM / YY", "MMYY", "MM/YYYY") and checks
// the card is still valid at now: a card is good through its expiry month.
func parseExpiry(s string, now time.Time) (time.Month, int, error) {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	mm, yy, found := strings.Cut(clean, "/")
	if !found && len(clean) == 4 {
		mm, yy = clean[:2], clean[2:]
	}
	month, errM := strconv.Atoi(mm)
	year, errY := strconv.Atoi(yy)
	if errM != nil || errY != nil || len(mm) == 0 || len(mm) > 2 || (len(yy) != 2 && len(yy) != 4) {
		return 0, 0, errors.New("Enter the expiry date as MM/YY.")
	}
	if month < 1 || month > 12 {
		return 0, 0, errors.New("The expiry month must be between 01 and 12.")
	}
	if len(yy) == 2 {
		year += 2000
	}
	firstOfNext := time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, now.Location())
	if !now.Before(firstOfNext) {
		return 0, 0, errors.New("Your card has expired.")
	}
	if year > now.Year()+20 {
		return 0, 0, fmt.Errorf("The expiry year %d is too far in the future.", year)
	}
	return time.Month(month), year, nil
}

// validCVC reports whether s is a 3 or 4 digit security code.
func validCVC(s string) bool {
	if len(s) < 3 || len(s) > 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
