package partnercenter

import (
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
)

// pending is a sign-in in progress that the client keeps behind a handle:
// its protocol state never leaves the client.
type pending interface {
	expired(now time.Time) bool
	// end tells the sign-in it is forgotten (why), so it can release
	// what it holds.
	end(why error)
}

// handles are the sign-ins in progress of one kind, by handle. Expired ones
// are forgotten when a new one starts.
type handles[T pending] struct {
	mu sync.Mutex
	m  map[string]T
}

func (h *handles[T]) put(p T, now time.Time) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]T{}
	}
	for k, x := range h.m {
		if x.expired(now) {
			x.end(errors.New("expired"))
			delete(h.m, k)
		}
	}
	id := uuid.NewString()
	h.m[id] = p
	return id
}

func (h *handles[T]) get(id string) (T, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p, ok := h.m[id]
	return p, ok
}

func (h *handles[T]) drop(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p, ok := h.m[id]; ok {
		p.end(errors.New("dropped"))
		delete(h.m, id)
	}
}
