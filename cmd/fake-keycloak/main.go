// Command fake-keycloak serves keycloaktest's fake Keycloak, so that
// basketball-api can provision parents' accounts on a machine without
// Keycloak. It prints the environment to give basketball-api, and lists
// users at /_test/users; POST {"email","password"} to
// /_test/check-password to check that an emailed password logs in.
//
// It is a development tool: state lives in memory, passwords in clear text,
// and the default secret is public.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"basketball/keycloak/keycloaktest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fake-keycloak:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("fake-keycloak", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8180", "listen address")
	realm := fs.String("realm", "basketball", "realm name")
	clientID := fs.String("client-id", "basketball-api", "confidential client id")
	clientSecret := fs.String("client-secret", "dev-secret", "client secret (a development value: it is printed)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	s, err := keycloaktest.Start(*addr, *realm, *clientID, *clientSecret)
	if err != nil {
		return err
	}
	defer s.Close()

	fmt.Fprintf(out, "fake Keycloak listening on %s (in memory; stop with Ctrl-C)\n\n", s.URL())
	fmt.Fprintf(out, "KEYCLOAK_URL=%s\nKEYCLOAK_REALM=%s\nKEYCLOAK_CLIENT_ID=%s\nKEYCLOAK_CLIENT_SECRET=%s\n\n",
		s.URL(), *realm, *clientID, *clientSecret)
	fmt.Fprintf(out, "users:          curl %s/_test/users\n", s.URL())
	fmt.Fprintf(out, "check password: curl -d '{\"email\":\"…\",\"password\":\"…\"}' %s/_test/check-password\n", s.URL())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}
