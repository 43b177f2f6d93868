package store

import (
	"crypto/md5"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// userKey is tenant_users.user_key: the MD5 of tenant id, NUL, user id. A
// compact key (16 bytes against about 72 for the two ids as text) keeps the
// one index an import writes in random order small enough for the page
// cache. MD5 is only a hash here, not a safeguard; PostgreSQL computes the
// same key with md5().
func userKey(tenantID, userID string) []byte {
	h := md5.New()
	h.Write([]byte(tenantID))
	h.Write([]byte{0})
	h.Write([]byte(userID))
	return h.Sum(nil)
}

// onboard_user_key(tenant_id, user_id) lets SQL (migration 8) compute userKey.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("onboard_user_key", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			t, ok1 := args[0].(string)
			u, ok2 := args[1].(string)
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("onboard_user_key: want two texts, got %T and %T", args[0], args[1])
			}
			return userKey(t, u), nil
		})
}
