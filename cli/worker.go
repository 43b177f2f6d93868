package cli

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"onboard/flow"
	"onboard/worker"
)

func newWorkerCmd(g *globals) *cobra.Command {
	var concurrency int
	var poll, recheck time.Duration
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Process paid orders in the background until stopped",
		Long: "Processes paid orders, resumes orders whose process died, retries failures that pass with time\n" +
			"and watches pending invitations and admin-relationship approvals, so no order waits for a\n" +
			"terminal. Any number of workers (and `onboard serve`) can share one PostgreSQL database\n" +
			"(--db postgres://…): each order is processed exactly once. Stops on Ctrl+C or SIGTERM;\n" +
			"orders it was working on go back to the queue for the next worker.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config(cmd)
			if err != nil {
				return err
			}
			dsn, err := databaseDSN(cfg)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			e, err := openAll(ctx, cfg)
			if err != nil {
				return err
			}
			defer e.close()
			host, _ := os.Hostname()
			e.svc.Actor = flow.Actor{Kind: flow.ActorSystem, Name: fmt.Sprintf("worker %s/%d", host, os.Getpid())}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			fmt.Fprintf(cmd.ErrOrStderr(), "Worker on %s; stop with Ctrl+C.\n", e.db.Path())
			w := worker.New(e.svc, worker.Options{DB: dsn, Poll: poll, Recheck: recheck, Concurrency: concurrency, Logger: log})
			return w.Run(ctx)
		},
	}
	cmd.Flags().IntVar(&concurrency, "concurrency", worker.DefaultConcurrency, "orders processed at once by this worker")
	cmd.Flags().DurationVar(&poll, "poll", worker.DefaultPoll, "how often to look for paid orders")
	cmd.Flags().DurationVar(&recheck, "recheck", worker.DefaultRecheck, "how often to ask about a pending invitation or approval")
	return cmd
}
