// Command onboard registers a customer who already has a Microsoft 365
// account with a Microsoft CSP partner. See README.md.
package main

import (
	"context"
	"os"

	"onboard/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(cli.Main(context.Background(), version, os.Args[1:]))
}
