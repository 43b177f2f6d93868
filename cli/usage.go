package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// unknownCommand is the usage error for a word that names no subcommand,
// with cobra's suggestions ("Did you mean this?").
func unknownCommand(cmd *cobra.Command, word string) error {
	msg := fmt.Sprintf("unknown command %q for %q", word, cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default, applied only on its own path
	}
	if s := cmd.SuggestionsFor(word); len(s) > 0 {
		msg += "\n\nDid you mean this?\n  " + strings.Join(s, "\n  ")
	}
	return usageError{errors.New(msg)}
}

// noSubcommandArgs refuses arguments on a command that takes none, naming
// the closest subcommands when there are any.
func noSubcommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasAvailableSubCommands() {
		return unknownCommand(cmd, args[0])
	}
	return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])}
}

// strictGroups makes every command that only groups subcommands refuse an
// unknown subcommand (cobra prints the help and exits 0 for those) and show
// its help when called bare; and every refusal of arguments a usage error
// (cobra.NoArgs returns a plain error, which exited 1).
func strictGroups(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		strictGroups(c)
	}
	if cmd.HasSubCommands() && !cmd.Runnable() {
		cmd.Args = noSubcommandArgs
		cmd.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		return
	}
	check := cmd.Args
	if check == nil {
		return
	}
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		var ue usageError
		switch {
		case err == nil || errors.As(err, &ue):
			return err
		case len(args) > 0 && cmd.HasAvailableSubCommands():
			return unknownCommand(cmd, args[0])
		default:
			return usageError{err}
		}
	}
}

// flagError turns pflag's errors into plain ones: no Go parser messages.
func flagError(cmd *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if errors.As(err, &ne) && strings.HasPrefix(err.Error(), "unknown flag: --") {
		if s := flagSuggestions(cmd, ne.GetSpecifiedName()); len(s) > 0 {
			return usageError{fmt.Errorf("%w\n\nDid you mean this?\n  --%s", err, strings.Join(s, "\n  --"))}
		}
		return usageError{err}
	}
	var iv *pflag.InvalidValueError
	if errors.As(err, &iv) {
		f := iv.GetFlag()
		what := "an invalid value"
		var ne *strconv.NumError
		if errors.As(err, &ne) {
			switch f.Value.Type() {
			case "int", "int64", "int32", "uint", "uint64":
				what = "not a whole number"
			case "float64", "float32":
				what = "not a number"
			case "bool":
				what = "use true or false"
			}
		}
		return usageError{fmt.Errorf("--%s %q: %s", f.Name, iv.GetValue(), what)}
	}
	return usageError{err}
}

var configFlagErrRE = regexp.MustCompile(`^(\w+) = ("(?:[^"\\]|\\.)*") \(from flag\): (.*)$`)

// configFlagError reports a bad value the person gave as a flag as a usage
// error naming the flag, not the configuration key.
func configFlagError(err error) error {
	m := configFlagErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("configuration: %w", err)
	}
	return usageError{fmt.Errorf("--%s %s: %s", flagName(m[1]), m[2], m[3])}
}

// flagSuggestions names the command's flags close to a mistyped one, by the
// rule cobra uses for commands: a prefix, or at most two edits away (one
// for a name of two or three letters, none for one letter: --x is not --db).
func flagSuggestions(cmd *cobra.Command, typed string) []string {
	maxEdits := min(2, len(typed)/2)
	var out []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if strings.HasPrefix(f.Name, typed) || editDistance(strings.ToLower(typed), f.Name) <= maxEdits {
			out = append(out, f.Name)
		}
	})
	return out
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
