// Package bench holds the end-to-end performance measurements of onboard:
// the users import of a 100,000-user tenant through the production wiring
// (real Microsoft client over loopback HTTP against the sandbox, the flow
// pipeline, SQLite), many wizard flows on one database file at once, and the
// time to the first frame of the built binary in a pseudo terminal. They
// live in a package of their own because each spans flow, store, msapi and
// the binary; none of them belongs to one of those packages. The figures and
// how to reproduce them are in docs/performance.md.
package bench
