// Command basketball-api runs paid tryout registration for youth
// basketball clubs: the HTTP service, its migrations, the admin commands
// and an offline demo. It only parses configuration and wires packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // tryout time zones work on images without /usr/share/zoneinfo
)

const usage = `basketball-api: paid tryout registration for youth basketball clubs

Commands:
  serve                 run the HTTP server (applies migrations first)
  migrate               apply migrations and exit
  club create|list      create a club, or list the clubs
  tryout create|list    create a tryout of a club, or list a club's tryouts
  tryout open|close     open or close a tryout for registration
  promo create|list     create a promo code of a club, or list a club's codes
  registrations list    list a club's registrations
  registrations cancel  cancel a registration (--refund: refund it through Stripe)
  reconcile             apply Stripe events whose webhook never arrived, once
  demo                  serve a demo club on a fresh SQLite file
  mail preview          render an email of any kind (--kind confirmation, reminder, tryout_changed, …)

Run "basketball-api COMMAND --help" for a command's flags.
Configuration comes from environment variables; see "basketball-api serve --help".
`

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// Main holds what a command run needs; tests build one with their own
// environment and streams.
type Main struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, is called with the listening address once serve or
	// demo accepts connections (tests use :0).
	Ready func(addr string)

	// Now is the clock for "in the past" checks; nil is time.Now.
	Now func() time.Time

	help func() // prints the usage of the command being parsed
}

func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Run runs one command and returns its exit status: 0 ok, 1 runtime
// failure, 2 bad arguments.
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.dispatch(ctx, args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(m.Stderr, "basketball-api: "+ue.msg)
		return 2
	case isClientError(err):
		fmt.Fprintln(m.Stderr, "basketball-api: "+describe(err))
		return 2
	}
	// One line, whatever the driver's message looks like.
	fmt.Fprintln(m.Stderr, "basketball-api: "+strings.Join(strings.Fields(err.Error()), " "))
	return 1
}

func (m *Main) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("no command given; run basketball-api --help")
	}
	cmd, rest := args[0], args[1:]
	sub := func() (string, []string) {
		if len(rest) == 0 {
			return "", nil
		}
		return rest[0], rest[1:]
	}
	switch cmd {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	case "serve":
		return m.serve(ctx, rest)
	case "migrate":
		return m.migrate(ctx, rest)
	case "demo":
		return m.demo(ctx, rest)
	case "reconcile":
		return m.reconcile(ctx, rest)
	case "club", "tryout", "promo", "registrations", "mail":
		s, r := sub()
		run, ok := subcommands[cmd][s]
		if !ok {
			return m.unknownSubcommand(cmd, s)
		}
		return run(m, ctx, r)
	}
	return usagef("unknown command %q; run basketball-api --help", cmd)
}

// subcommands are the commands that take a second word, by their first.
var subcommands = map[string]map[string]func(m *Main, ctx context.Context, args []string) error{
	"club":          {"create": (*Main).createClub, "list": (*Main).listClubs},
	"tryout":        {"create": (*Main).createTryout, "list": (*Main).listTryouts, "open": (*Main).openTryout, "close": (*Main).closeTryout},
	"promo":         {"create": (*Main).createPromo, "list": (*Main).listPromos},
	"registrations": {"list": (*Main).listRegistrations, "cancel": (*Main).cancelRegistration},
	"mail":          {"preview": (*Main).mailPreview},
}

// unknownSubcommand says which subcommands cmd has.
func (m *Main) unknownSubcommand(cmd, sub string) error {
	names := make([]string, 0, len(subcommands[cmd]))
	for n := range subcommands[cmd] {
		names = append(names, cmd+" "+n)
	}
	sort.Strings(names)
	what := fmt.Sprintf("%q is not a subcommand of %s", sub, cmd)
	if sub == "" || strings.HasPrefix(sub, "-") {
		what = cmd + " needs a subcommand"
	}
	return usagef("%s; use one of: %s (add --help for a command's flags)", what, strings.Join(names, ", "))
}

// newFlags makes a command's flag set. It prints nothing itself: a
// mistake becomes one line from Run, and --help prints the usage.
func (m *Main) newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(synopsis, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	m.help = func() {
		fmt.Fprintf(m.Stdout, "usage: basketball-api %s\n", fs.Name())
		fs.SetOutput(m.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses flags, turning mistakes into usage errors and rejecting
// stray positional arguments.
func (m *Main) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return m.flagError(err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// flagError prints the usage for --help and turns other flag errors into
// usage errors.
func (m *Main) flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		m.help()
		return err
	}
	return usageError{err.Error()}
}
