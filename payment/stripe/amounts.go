package stripe

import "strings"

// Stripe takes amounts in the currency's minor unit, as onboard keeps them
// (ISO 4217 digits), with special cases (https://docs.stripe.com/currencies,
// "Special cases"):
//   - ISK and UGX have no minor unit in ISO 4217 (5 ISK is 5), but Stripe
//     keeps them two-decimal for backwards compatibility with decimals
//     always 00: 5 ISK is amount 500, and an amount not divisible by 100
//     is refused (invalid_charge_amount_no_decimal_compatible). Sent ×100,
//     read ÷100.
//   - HUF and TWD are zero-decimal for Stripe's payouts only; charges and
//     refunds take two decimals, as ISO 4217 has them: sent as they are.
//
// Every other currency's Stripe amount is its ISO minor units (JPY 500 is
// ¥500, EUR 500 is €5.00).
var stripeFactor = map[string]int64{"ISK": 100, "UGX": 100}

// toStripeAmount is minor units of cur as Stripe's API takes them.
func toStripeAmount(minor int64, cur string) int64 {
	if f, ok := stripeFactor[strings.ToUpper(cur)]; ok {
		return minor * f
	}
	return minor
}

// fromStripeAmount is an amount of Stripe's API in cur's minor units.
// Stripe's amounts of ISK and UGX are whole units (×100), so the division
// is exact.
func fromStripeAmount(amount int64, cur string) int64 {
	if f, ok := stripeFactor[strings.ToUpper(cur)]; ok {
		return amount / f
	}
	return amount
}
