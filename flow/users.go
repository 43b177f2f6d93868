package flow

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ListUsers returns the users imported from a tenant, for assigning licenses.
func (s *Service) ListUsers(ctx context.Context, tenantID string) ([]User, error) {
	us, err := s.Store.ListUsers(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("imported users of %s: %w", tenantID, err)
	}
	return us, nil
}

// UserQuery asks for a page of a tenant's imported users, in import order.
type UserQuery struct {
	// Text is the search: words, each matching the beginning of a word of
	// a user's display name or of the UPN before its @. While the last word
	// is being typed (no space after it) it matches any word it begins;
	// the words before it match whole words. "" matches everyone.
	Text  string
	After int64 // UserPage.Next of the page before; 0 for the first page
	Limit int
}

// UserPage is one page of a search.
type UserPage struct {
	Users []User
	Next  int64 // After of the next page; 0 when this is the last
}

// UserSearcher is a Store that searches imported users without loading
// the whole tenant (store.DB: an FTS5 index filled during the import).
type UserSearcher interface {
	SearchUsers(ctx context.Context, tenantID string, q UserQuery) (UserPage, error)
	CountMatchingUsers(ctx context.Context, tenantID, text string) (int, error)
	CountAssigned(ctx context.Context, tenantID, skuID string) (int, error)
	UsersByID(ctx context.Context, tenantID string, ids []string) ([]User, error)
	// CountHolders is how many users hold any of skuIDs.
	CountHolders(ctx context.Context, tenantID string, skuIDs []string) (int, error)
}

// SearchUsers returns a page of the tenant's imported users matching q.
func (s *Service) SearchUsers(ctx context.Context, tenantID string, q UserQuery) (UserPage, error) {
	if us, ok := s.Store.(UserSearcher); ok {
		p, err := us.SearchUsers(ctx, tenantID, q)
		if err != nil {
			return UserPage{}, fmt.Errorf("search users of %s: %w", tenantID, err)
		}
		return p, nil
	}
	all, err := s.ListUsers(ctx, tenantID)
	if err != nil {
		return UserPage{}, err
	}
	m := NewUserMatcher(q.Text)
	var p UserPage
	for i := int(q.After); i < len(all); i++ {
		if !m.Match(all[i]) {
			continue
		}
		if q.Limit > 0 && len(p.Users) == q.Limit {
			p.Next = int64(i)
			break
		}
		p.Users = append(p.Users, all[i])
	}
	return p, nil
}

// CountMatchingUsers is how many of the tenant's users match text.
func (s *Service) CountMatchingUsers(ctx context.Context, tenantID, text string) (int, error) {
	if us, ok := s.Store.(UserSearcher); ok {
		n, err := us.CountMatchingUsers(ctx, tenantID, text)
		if err != nil {
			return 0, fmt.Errorf("count users of %s: %w", tenantID, err)
		}
		return n, nil
	}
	all, err := s.ListUsers(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	m, n := NewUserMatcher(text), 0
	for _, u := range all {
		if m.Match(u) {
			n++
		}
	}
	return n, nil
}

// CountAssigned is how many of the tenant's users hold skuID.
func (s *Service) CountAssigned(ctx context.Context, tenantID, skuID string) (int, error) {
	if us, ok := s.Store.(UserSearcher); ok {
		n, err := us.CountAssigned(ctx, tenantID, skuID)
		if err != nil {
			return 0, fmt.Errorf("count %s assignments in %s: %w", skuID, tenantID, err)
		}
		return n, nil
	}
	all, err := s.ListUsers(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range all {
		if hasSKU(u, skuID) {
			n++
		}
	}
	return n, nil
}

func hasSKU(u User, sku string) bool {
	for _, s := range u.SkuIDs {
		if strings.EqualFold(s, sku) {
			return true
		}
	}
	return false
}

// UserMatcher is a parsed UserQuery.Text.
type UserMatcher struct {
	Whole  []string // words that must be whole words of the user
	Prefix string   // the word being typed: the beginning of a word ("" none)
}

// NewUserMatcher parses a search text.
func NewUserMatcher(text string) UserMatcher {
	words := searchWords(text)
	var m UserMatcher
	if len(words) == 0 {
		return m
	}
	r := []rune(text)
	if isWordRune(r[len(r)-1]) {
		m.Prefix = words[len(words)-1]
		words = words[:len(words)-1]
	}
	m.Whole = words
	return m
}

// Empty reports whether the matcher matches everyone.
func (m UserMatcher) Empty() bool { return len(m.Whole) == 0 && m.Prefix == "" }

// Match reports whether u matches.
func (m UserMatcher) Match(u User) bool {
	if m.Empty() {
		return true
	}
	return m.MatchText(u.DisplayName, u.UPN)
}

// MatchText reports whether a user with this display name and UPN
// matches, like Match without allocating: searches read thousands of rows
// per keystroke.
func (m UserMatcher) MatchText(displayName, upn string) bool {
	if m.Empty() {
		return true
	}
	local, _, _ := strings.Cut(upn, "@")
	for _, w := range m.Whole {
		if !anyWord(displayName, local, func(h string) bool { return equalFoldLower(h, w) }) {
			return false
		}
	}
	return m.Prefix == "" || anyWord(displayName, local, func(h string) bool { return hasPrefixFoldLower(h, m.Prefix) })
}

// anyWord reports whether fn holds for a word of a or of b.
func anyWord(a, b string, fn func(string) bool) bool {
	for _, text := range [2]string{a, b} {
		start := -1
		for i, r := range text {
			switch {
			case isWordRune(r) && start < 0:
				start = i
			case !isWordRune(r) && start >= 0:
				if fn(text[start:i]) {
					return true
				}
				start = -1
			}
		}
		if start >= 0 && fn(text[start:]) {
			return true
		}
	}
	return false
}

// equalFoldLower reports whether h lower-cased is lower.
func equalFoldLower(h, lower string) bool {
	return hasPrefixFoldLower(h, lower) && utf8.RuneCountInString(h) == utf8.RuneCountInString(lower)
}

// hasPrefixFoldLower reports whether h lower-cased begins with lower.
func hasPrefixFoldLower(h, lower string) bool {
	for _, want := range lower {
		r, n := utf8.DecodeRuneInString(h)
		if n == 0 || unicode.ToLower(r) != want {
			return false
		}
		h = h[n:]
	}
	return true
}

// searchWords splits text into lower-case words of letters and numbers,
// the way SQLite's unicode61 tokenizer does.
func searchWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !isWordRune(r) })
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }
