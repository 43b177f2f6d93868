package partnercenter

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// productQuery validates the ids and the market of a catalog read and
// returns the country query.
func productQuery(op, productID, country string) (string, error) {
	if strings.TrimSpace(productID) == "" || len(strings.TrimSpace(country)) != 2 {
		return "", &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "a product id and a two-letter country are required"}
	}
	return "?" + url.Values{"country": {strings.ToUpper(strings.TrimSpace(country))}}.Encode(), nil
}

// Product is GET /v1/products/{product-id}?country={cc} (get-a-product-by-id).
func (c *Client) Product(ctx context.Context, productID, country string) (msapi.Product, error) {
	op := fmt.Sprintf("get product %s in %s", productID, country)
	q, err := productQuery(op, productID, country)
	if err != nil {
		return msapi.Product{}, err
	}
	var p wire.Product
	if err := c.send(ctx, c.pcRequest(op, wire.PathProducts+url.PathEscape(productID)+q), decodeJSON(&p)); err != nil {
		return msapi.Product{}, err
	}
	return msapi.Product{ID: p.ID, Title: sanitize(p.Title), Description: sanitize(p.Description)}, nil
}

// SKUs is GET /v1/products/{product-id}/skus?country={cc}
// (get-a-list-of-skus-for-a-product): the paid SKUs and the trials.
func (c *Client) SKUs(ctx context.Context, productID, country string) ([]msapi.SKU, error) {
	op := fmt.Sprintf("list SKUs of %s in %s", productID, country)
	q, err := productQuery(op, productID, country)
	if err != nil {
		return nil, err
	}
	items, err := pcAll[wire.Sku](ctx, c, c.pcRequest(op, wire.PathProducts+url.PathEscape(productID)+"/skus"+q))
	if err != nil {
		return nil, err
	}
	out := make([]msapi.SKU, 0, len(items))
	for _, s := range items {
		out = append(out, msapi.SKU{ID: s.ID, ProductID: s.ProductID, Title: sanitize(s.Title), Description: sanitize(s.Description),
			MinQuantity: s.MinimumQuantity, MaxQuantity: s.MaximumQuantity, IsTrial: s.IsTrial})
	}
	return out, nil
}
