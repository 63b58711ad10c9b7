// Command nayose pulls customers and their behaviour from the tools a
// business runs on, resolves them into one customer table, and keeps it
// up to date on a schedule.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Tokyo without the host's zoneinfo (static images)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
