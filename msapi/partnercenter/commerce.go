package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// New commerce (purchase-new-commerce-license-based): purchases go through a
// cart and its checkout; trials become paid by a transition
// (transition-a-new-commerce-subscription).

// Defaults of a new-commerce line that names no term or billing cycle.
const (
	DefaultTermDuration = wire.TermMonth
	DefaultBillingCycle = wire.BillingMonthly
)

// PlaceOrder buys the lines for the customer through a cart: CreateCart,
// then CheckoutCart. The order usually comes back "pending" with no
// subscription ids: GetOrder it until they exist.
func (c *Client) PlaceOrder(ctx context.Context, tenantID string, req msapi.OrderRequest) (msapi.Order, error) {
	cartID, err := c.CreateCart(ctx, tenantID, req)
	if err != nil {
		return msapi.Order{}, err
	}
	return c.CheckoutCart(ctx, tenantID, cartID)
}

// CreateCart is POST /v1/customers/{id}/carts (create-a-cart) with
// req.RequestID as its MS-RequestId. Each line's OfferID is a catalog item
// id (productId:skuId:availabilityId); a line the cart refuses comes back
// with its error, returned as an *APIError.
func (c *Client) CreateCart(ctx context.Context, tenantID string, req msapi.OrderRequest) (string, error) {
	op := fmt.Sprintf("create cart for %s", tenantID)
	if err := validateOrder(req); err != nil {
		return "", &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: err.Error()}
	}
	body := wire.Cart{LineItems: make([]wire.CartLineItem, len(req.Lines))}
	for i, l := range req.Lines {
		term, cycle := l.TermDuration, l.BillingCycle
		if term == "" {
			term = DefaultTermDuration
		}
		if cycle == "" {
			cycle = req.BillingCycle
		}
		if cycle == "" {
			cycle = DefaultBillingCycle
		}
		body.LineItems[i] = wire.CartLineItem{ID: i, CatalogItemID: l.OfferID, Quantity: l.Quantity,
			TermDuration: term, BillingCycle: cycle}
	}
	r := c.pcRequest(op, customerPath(tenantID, "carts"))
	r.method, r.body, r.requestID = http.MethodPost, body, req.RequestID
	var cart wire.Cart
	if err := c.send(ctx, r, decodeJSON(&cart)); err != nil {
		return "", err
	}
	if cart.ID == "" {
		return "", &msapi.APIError{Op: op, Err: msapi.ErrUnavailable, RequestID: req.RequestID, Message: "Microsoft created the cart but returned no cart id"}
	}
	for _, li := range cart.LineItems {
		if li.Error != nil {
			code := codeString(li.Error.ErrorCode)
			err, hint := sentinelFor(http.StatusBadRequest, code)
			return "", &msapi.APIError{Op: op, Status: http.StatusCreated, Code: sanitize(code), RequestID: req.RequestID,
				Message: sanitize(li.Error.ErrorDescription), Err: err, Hint: hint}
		}
	}
	return cart.ID, nil
}

// CheckoutCart is POST /v1/customers/{id}/carts/{cart-id}/checkout
// (checkout-a-cart). The page documents it idempotent per cart: checking a
// cart out again answers the first checkout's orders, so a caller that lost
// the answer checks the same cart out again and never buys twice. Its
// MS-RequestId is derived from the cart id. orderErrors are returned as an
// *APIError with the first error's code.
func (c *Client) CheckoutCart(ctx context.Context, tenantID, cartID string) (msapi.Order, error) {
	op := fmt.Sprintf("check out cart %s of %s", cartID, tenantID)
	if strings.TrimSpace(cartID) == "" {
		return msapi.Order{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "cart id is empty"}
	}
	checkoutID := uuid.NewSHA1(uuid.NameSpaceOID, []byte("checkout/"+tenantID+"/"+cartID)).String()
	co := c.pcRequest(op, customerPath(tenantID, "carts", cartID, "checkout"))
	co.method, co.body, co.requestID = http.MethodPost, struct{}{}, checkoutID
	var res wire.CartCheckoutResult
	if err := c.send(ctx, co, decodeJSON(&res)); err != nil {
		return msapi.Order{}, err
	}
	if len(res.OrderErrors) > 0 {
		return msapi.Order{}, checkoutFailure(op, checkoutID, res)
	}
	if len(res.Orders) == 0 || res.Orders[0].ID == "" {
		return msapi.Order{}, &msapi.APIError{Op: op, Err: msapi.ErrUnavailable, RequestID: checkoutID, Message: "Microsoft checked the cart out but returned no order"}
	}
	out := orderFromWire(res.Orders[0])
	for _, o := range res.Orders[1:] { // one cart, several order groups
		more := orderFromWire(o)
		out.Lines = append(out.Lines, more.Lines...)
		if more.Status != wire.OrderCompleted {
			// The page's example checks out a completed order beside
			// pending ones: the purchase is done only when all are.
			out.Status = more.Status
		}
	}
	out.CartID = cartID
	return out, nil
}

// checkoutFailure reads a checkout's orderErrors (an order group that could
// not be placed, with its code and description).
func checkoutFailure(op, requestID string, res wire.CartCheckoutResult) error {
	first := res.OrderErrors[0]
	code := codeString(first.Code)
	msg := first.Description
	if len(res.Orders) > 0 {
		ids := make([]string, 0, len(res.Orders))
		for _, o := range res.Orders {
			ids = append(ids, o.ID)
		}
		msg += fmt.Sprintf(" (order %s was placed for the other lines)", strings.Join(ids, ", "))
	}
	err, hint := sentinelFor(http.StatusBadRequest, code)
	return &msapi.APIError{Op: op, Status: http.StatusOK, Code: sanitize(code), RequestID: requestID,
		Message: sanitize(msg), Err: err, Hint: hint}
}

func orderFromWire(o wire.Order) msapi.Order {
	out := msapi.Order{ID: o.ID, Status: strings.ToLower(o.Status), Lines: make([]msapi.OrderedLine, len(o.LineItems))}
	for i, l := range o.LineItems {
		out.Lines[i] = msapi.OrderedLine{OfferID: l.OfferID, Quantity: l.Quantity, SubscriptionID: l.SubscriptionID}
	}
	return out
}

// GetOrder is GET /v1/customers/{id}/orders/{order-id} (get-an-order-by-id):
// a pending order has no subscription ids yet; a completed one has them.
func (c *Client) GetOrder(ctx context.Context, tenantID, orderID string) (msapi.Order, error) {
	op := fmt.Sprintf("get order %s of %s", orderID, tenantID)
	if strings.TrimSpace(orderID) == "" {
		return msapi.Order{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "order id is empty"}
	}
	var o wire.Order
	if err := c.send(ctx, c.pcRequest(op, customerPath(tenantID, "orders", orderID)), decodeJSON(&o)); err != nil {
		return msapi.Order{}, err
	}
	return orderFromWire(o), nil
}

func validateOrder(req msapi.OrderRequest) error {
	var problems []string
	if strings.TrimSpace(req.RequestID) == "" {
		problems = append(problems, "request id (the idempotency key) is empty")
	}
	if len(req.Lines) == 0 {
		problems = append(problems, "the order has no lines")
	}
	for i, l := range req.Lines {
		if strings.TrimSpace(l.OfferID) == "" {
			problems = append(problems, fmt.Sprintf("line %d has no catalog item id", i))
		}
		if l.Quantity <= 0 {
			problems = append(problems, fmt.Sprintf("line %d has quantity %d", i, l.Quantity))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}

// ConvertTrial makes a new-commerce trial paid by a transition: GET
// …/subscriptions/{id}/transitionEligibilities?eligibilityType=immediate,
// then POST …/subscriptions/{id}/transitions to target.OfferID (the paid
// catalog item id) with target's seats, term and billing cycle (default P1M,
// monthly). requestID is the
// transition's MS-RequestId, so a repeat is harmless. A refused transition
// is an error answer with Partner Center's {code, description} body.
func (c *Client) ConvertTrial(ctx context.Context, tenantID, subscriptionID string, target msapi.OrderLine, requestID string) (msapi.Conversion, error) {
	targetOfferID, quantity := target.OfferID, target.Quantity
	term, cycle := target.TermDuration, target.BillingCycle
	if term == "" {
		term = DefaultTermDuration
	}
	if cycle == "" {
		cycle = DefaultBillingCycle
	}
	op := fmt.Sprintf("transition trial %s of %s to %s", subscriptionID, tenantID, targetOfferID)
	if strings.TrimSpace(requestID) == "" {
		return msapi.Conversion{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "request id (the idempotency key) is empty"}
	}
	if quantity < 1 {
		return msapi.Conversion{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: fmt.Sprintf("quantity %d", quantity)}
	}
	q := url.Values{"eligibilityType": {wire.EligibilityNow}}
	list := c.pcRequest(op+": list transition eligibilities",
		customerPath(tenantID, "subscriptions", subscriptionID, "transitionEligibilities")+"?"+q.Encode())
	items, err := pcAll[wire.TransitionEligibility](ctx, c, list)
	if err != nil {
		return msapi.Conversion{}, err
	}
	transitionType, err := chooseTransition(op, items, targetOfferID)
	if errors.Is(err, msapi.ErrConversionIneligible) {
		// A repeat after a transition finds none left: the trial already is
		// the paid item, which is success.
		if done, ok := c.alreadyConverted(ctx, tenantID, subscriptionID, targetOfferID); ok {
			return done, nil
		}
	}
	if err != nil {
		return msapi.Conversion{}, err
	}
	body := wire.Transition{ToCatalogItemID: targetOfferID, Quantity: quantity, TermDuration: term,
		BillingCycle: cycle, TransitionType: transitionType}
	post := c.pcRequest(op, customerPath(tenantID, "subscriptions", subscriptionID, "transitions"))
	post.method, post.body, post.requestID = http.MethodPost, body, requestID
	var res wire.Transition
	if err := c.send(ctx, post, decodeJSON(&res)); err != nil {
		return msapi.Conversion{}, err
	}
	out := msapi.Conversion{SubscriptionID: res.ToSubscriptionID, OfferID: res.FromCatalogItemID, TargetOfferID: res.ToCatalogItemID, Quantity: res.Quantity}
	if out.SubscriptionID == "" {
		out.SubscriptionID = subscriptionID
	}
	if out.TargetOfferID == "" {
		out.TargetOfferID = targetOfferID
	}
	if out.Quantity == 0 {
		out.Quantity = quantity
	}
	return out, nil
}

// chooseTransition finds the eligible transition to target, preferring
// transition_only (the trial's seats and assignments carry over).
func chooseTransition(op string, items []wire.TransitionEligibility, target string) (string, error) {
	var reasons, targets []string
	for _, it := range items {
		targets = append(targets, it.CatalogItemID)
		if !strings.EqualFold(it.CatalogItemID, target) {
			continue
		}
		chosen := ""
		for _, d := range it.Eligibilities {
			if !d.IsEligible {
				for _, e := range d.Errors {
					reasons = append(reasons, e.Description)
				}
				continue
			}
			if chosen == "" || strings.EqualFold(d.TransitionType, wire.TransitionOnly) {
				chosen = d.TransitionType
			}
		}
		if chosen != "" {
			return chosen, nil
		}
	}
	msg := "the trial has no immediate transition to this product"
	if len(reasons) > 0 {
		msg += ": " + sanitize(strings.Join(reasons, "; "))
	} else if len(targets) > 0 {
		msg += "; it transitions to " + sanitize(strings.Join(targets, ", "))
	}
	return "", &msapi.APIError{Op: op, Err: msapi.ErrConversionIneligible, Message: msg}
}

// alreadyConverted reports the paid subscription when subscriptionID is no
// longer a trial and already carries targetOfferID.
func (c *Client) alreadyConverted(ctx context.Context, tenantID, subscriptionID, targetOfferID string) (msapi.Conversion, bool) {
	subs, err := c.Subscriptions(ctx, tenantID)
	if err != nil {
		return msapi.Conversion{}, false
	}
	for _, s := range subs {
		if s.ID == subscriptionID && !s.IsTrial && strings.EqualFold(s.OfferID, targetOfferID) {
			return msapi.Conversion{SubscriptionID: s.ID, TargetOfferID: s.OfferID, Quantity: s.Quantity}, true
		}
	}
	return msapi.Conversion{}, false
}

// Availabilities is GET /v1/products/{product-id}/skus/{sku-id}/availabilities?country={cc}
// (get-a-list-of-availabilities-for-a-sku). Availability ids change over
// time, so a catalog refreshes them from here.
func (c *Client) Availabilities(ctx context.Context, productID, skuID, country string) ([]msapi.Availability, error) {
	op := fmt.Sprintf("list availabilities of %s:%s in %s", productID, skuID, country)
	if strings.TrimSpace(productID) == "" || strings.TrimSpace(skuID) == "" || len(strings.TrimSpace(country)) != 2 {
		return nil, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "product id, SKU id and a two-letter country are required"}
	}
	path := wire.PathProducts + url.PathEscape(productID) + "/skus/" + url.PathEscape(skuID) + "/availabilities?" +
		url.Values{"country": {strings.ToUpper(country)}}.Encode()
	items, err := pcAll[wire.Availability](ctx, c, c.pcRequest(op, path))
	if err != nil {
		return nil, err
	}
	out := make([]msapi.Availability, 0, len(items))
	for _, a := range items {
		av := msapi.Availability{ID: a.ID, CatalogItemID: a.CatalogItemID, Purchasable: a.IsPurchasable}
		if av.CatalogItemID == "" {
			av.CatalogItemID = wire.CatalogItemID(productID, skuID, a.ID)
		}
		for _, t := range a.Terms {
			av.Terms = append(av.Terms, strings.ToUpper(t.Duration))
		}
		out = append(out, av)
	}
	return out, nil
}
