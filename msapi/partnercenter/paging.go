package partnercenter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// errPagingStuck stops a server that hands back the page it just served.
var errPagingStuck = errors.New("paging did not advance: next link repeats the current one")

// pcPages walks a Partner Center collection by links.next, calling each per
// page. r is the request of the first page.
func pcPages[T any](ctx context.Context, c *Client, r request, each func([]T) error) error {
	for page := 1; ; page++ {
		var coll wire.Collection[T]
		if err := c.send(ctx, r, decodeJSON(&coll)); err != nil {
			return err
		}
		if err := each(coll.Items); err != nil {
			return err
		}
		next := coll.Links.Next
		if next == nil || strings.TrimSpace(next.URI) == "" {
			return nil
		}
		nextURL, err := c.resolvePCLink(next.URI)
		if err != nil {
			return &msapi.APIError{Op: r.op, Err: msapi.ErrUnavailable, Message: fmt.Sprintf("page %d: %v", page, err)}
		}
		header := linkHeaders(next.Headers)
		if nextURL == r.url && equalHeader(header, r.header) {
			return &msapi.APIError{Op: r.op, Err: msapi.ErrUnavailable, Message: errPagingStuck.Error()}
		}
		if m := strings.ToUpper(strings.TrimSpace(next.Method)); m != "" && m != http.MethodGet {
			return &msapi.APIError{Op: r.op, Err: msapi.ErrUnavailable, Message: fmt.Sprintf("next link uses unsupported method %q", sanitize(m))}
		}
		r.url, r.header, r.requestID = nextURL, header, ""
	}
}

// pcAll collects a whole Partner Center collection.
func pcAll[T any](ctx context.Context, c *Client, r request) ([]T, error) {
	var all []T
	err := pcPages(ctx, c, r, func(items []T) error {
		all = append(all, items...)
		return nil
	})
	return all, err
}

func linkHeaders(hs []wire.LinkHeader) http.Header {
	if len(hs) == 0 {
		return nil
	}
	h := make(http.Header, len(hs))
	for _, kv := range hs {
		if kv.Key != "" {
			h.Set(kv.Key, kv.Value)
		}
	}
	return h
}

func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\x00") != strings.Join(b[k], "\x00") {
			return false
		}
	}
	return true
}

// resolvePCLink makes links.next.uri absolute. Partner Center gives it
// relative to the API root, with or without the /v1 prefix; absolute links
// must stay on the configured host so the bearer token goes nowhere else.
func (c *Client) resolvePCLink(uri string) (string, error) {
	uri = strings.TrimSpace(uri)
	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("next link %q is not a URL", sanitize(uri))
	}
	if u.IsAbs() {
		return uri, sameOrigin(c.pcURL, u)
	}
	if !strings.HasPrefix(uri, "/") {
		uri = "/" + uri
	}
	if uri != "/v1" && !strings.HasPrefix(uri, "/v1/") && !strings.HasPrefix(uri, "/v1?") {
		uri = "/v1" + uri
	}
	return c.pcURL + uri, nil
}

// sameOrigin refuses links to another scheme or host than base.
func sameOrigin(base string, u *url.URL) error {
	b, err := url.Parse(base)
	if err != nil {
		return err
	}
	if !strings.EqualFold(b.Scheme, u.Scheme) || !strings.EqualFold(b.Host, u.Host) {
		return fmt.Errorf("next link points to %s://%s, not to %s", sanitize(u.Scheme), sanitize(u.Host), b.Host)
	}
	return nil
}

// graphPages walks a Graph collection by @odata.nextLink. decode reads one
// page body, calls the caller per item or page, and returns the next link.
func graphPages(ctx context.Context, c *Client, r request, decode func(io.Reader) (string, error)) error {
	for {
		var next string
		err := c.send(ctx, r, func(resp *http.Response) error {
			var err error
			next, err = decode(resp.Body)
			return err
		})
		if err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		u, err := url.Parse(next)
		if err != nil || !u.IsAbs() {
			return &msapi.APIError{Op: r.op, Err: msapi.ErrUnavailable, Message: fmt.Sprintf("@odata.nextLink %q is not an absolute URL", sanitize(next))}
		}
		if err := sameOrigin(c.graphURL, u); err != nil {
			return &msapi.APIError{Op: r.op, Err: msapi.ErrUnavailable, Message: err.Error()}
		}
		if next == r.url {
			return &msapi.APIError{Op: r.op, Err: msapi.ErrUnavailable, Message: errPagingStuck.Error()}
		}
		r.url, r.requestID = next, ""
	}
}

// graphAll collects a whole Graph collection of small items.
func graphAll[T any](ctx context.Context, c *Client, r request) ([]T, error) {
	var all []T
	err := graphPages(ctx, c, r, func(body io.Reader) (string, error) {
		var page wire.GraphCollection[T]
		if err := json.NewDecoder(body).Decode(&page); err != nil {
			return "", fmt.Errorf("decode JSON body: %w", err)
		}
		all = append(all, page.Value...)
		return page.NextLink, nil
	})
	return all, err
}

// graphPageOptions make the streaming decoder as lenient as encoding/json:
// field names match in any case, a repeated name keeps its last value and
// invalid UTF-8 is replaced, so switching decoders rejects no page.
var graphPageOptions = jsonv2.JoinOptions(
	jsonv2.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// streamGraphPage decodes one Graph page item by item: the "value" array is
// never held as wire objects, only each converted item. It returns
// @odata.nextLink, wherever it appears in the object. It uses the
// go-json-experiment decoder (encoding/json/v2 to be), which decodes a
// 100,000-user import several times faster and with fewer allocations than
// encoding/json's Decoder (docs/performance.md).
func streamGraphPage[T any](body io.Reader, each func(*T)) (string, error) {
	dec := jsontext.NewDecoder(body, graphPageOptions)
	if err := expectKind(dec, '{'); err != nil {
		return "", err
	}
	var next string
	for dec.PeekKind() == '"' {
		key, err := dec.ReadToken()
		if err != nil {
			return "", fmt.Errorf("read key: %w", err)
		}
		switch name := key.String(); name {
		case "@odata.nextLink":
			if err := jsonv2.UnmarshalDecode(dec, &next, graphPageOptions); err != nil {
				return "", fmt.Errorf("decode @odata.nextLink: %w", err)
			}
		case "value":
			if err := streamArray(dec, each); err != nil {
				return "", err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return "", fmt.Errorf("skip %s: %w", sanitize(name), err)
			}
		}
	}
	if err := expectKind(dec, '}'); err != nil {
		return "", err
	}
	return next, nil
}

func streamArray[T any](dec *jsontext.Decoder, each func(*T)) error {
	if err := expectKind(dec, '['); err != nil {
		return fmt.Errorf("value: %w", err)
	}
	// One item reused: only what it points to is allocated per element.
	var item, zero T
	for i := 0; dec.PeekKind() != ']'; i++ {
		item = zero
		if err := jsonv2.UnmarshalDecode(dec, &item, graphPageOptions); err != nil {
			return fmt.Errorf("value[%d]: %w", i, err)
		}
		each(&item)
	}
	return expectKind(dec, ']')
}

// expectKind reads the next token, which must be the delimiter want.
func expectKind(dec *jsontext.Decoder, want jsontext.Kind) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return fmt.Errorf("expected %q: %w", want.String(), err)
	}
	if tok.Kind() != want {
		return fmt.Errorf("expected %q, found %s", want.String(), tok.Kind())
	}
	return nil
}
