package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"onboard/store"
)

func newConfigCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration and where each value came from",
		Long: "Prints every setting with its value and its source: default, file, environment\n" +
			"(ONBOARD_<KEY>), secrets file or flag. Secrets are masked.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config(cmd)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			entries := cfg.Entries()
			// The database's default is resolved by the store (the XDG data
			// directory): show the file that is used, not an empty value.
			for i, e := range entries {
				if e.Key == "db" && e.Value == "" {
					if p, err := store.DefaultPath(); err == nil {
						entries[i].Value, entries[i].Where = p, "XDG data directory"
					}
				}
			}
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(entries)
			}
			o := newOutput(out, cmd.ErrOrStderr(), true)
			defer o.close()
			t := o.table(false)
			t.AddHeader([]string{"KEY", "VALUE", "SOURCE"}, fit)
			for _, e := range entries {
				src := string(e.Source)
				if e.Where != "" {
					src += " (" + e.Where + ")"
				}
				t.AddField(e.Key, whole)
				t.AddField(e.Value, fit)
				t.AddField(src, fit)
				t.EndRow()
			}
			return t.Render()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
