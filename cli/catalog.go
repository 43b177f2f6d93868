package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"onboard/internal/atomicfile"
)

func newCatalogCmd(g *globals) *cobra.Command {
	catalog := &cobra.Command{Use: "catalog", Short: "Refresh the catalog from Partner Center"}
	catalog.AddCommand(newCatalogSync(g))
	return catalog
}

func newCatalogSync(g *globals) *cobra.Command {
	var country, out string
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Refresh the catalog's products, SKUs and availabilities from Partner Center for a market",
		Long: "Reads the configured catalog (the embedded one when none is set) and,\n" +
			"for each offer, reads its product, its SKUs and the SKU's availabilities\n" +
			"in the market from Partner Center: the name becomes the SKU's title, the\n" +
			"seats stay within the SKU's limits, the trials are the product's trial\n" +
			"SKUs and the availability one that sells the offer's term. Prices and\n" +
			"terms stay the provider's. Writes the refreshed catalog as JSON to --out\n" +
			"(or standard output) and lists each change on standard error. Point the\n" +
			"catalog setting at the file to use it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if country == "" {
				return usageError{fmt.Errorf("--country is required (the provider's market, e.g. US or DE)")}
			}
			return g.withEnv(cmd, func(e *env) error {
				cat, changes, err := e.svc.SyncCatalog(cmd.Context(), country)
				if err != nil {
					return err
				}
				b, err := cat.JSON()
				if err != nil {
					return err
				}
				for _, c := range changes {
					switch {
					case c.Problem != "":
						fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", c.OfferID, c.Problem)
					default:
						fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s %q → %q\n", c.OfferID, c.Field, c.From, c.To)
					}
				}
				if len(changes) == 0 {
					fmt.Fprintln(cmd.ErrOrStderr(), "Every offer is current.")
				}
				if out == "" {
					_, err = cmd.OutOrStdout().Write(b)
					return err
				}
				if err := atomicfile.Write(out, b); err != nil {
					return fmt.Errorf("write %s: %w", out, err)
				}
				_, err = fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %s.\n", out)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&country, "country", "", "the provider's market (ISO 3166 two-letter code)")
	cmd.Flags().StringVar(&out, "out", "", "write the catalog to this file instead of standard output")
	return cmd
}
