// Command cmd runs the fake Telegram Bot API on its own, for checks that start Lotse as a
// separate program or in a container (.ci/image.sh):
//
//	go run ./bot/fakeapi/cmd -addr 127.0.0.1:8081
//
// It prints "fake Bot API on http://… token …" once it listens and serves until it is
// stopped with SIGINT or SIGTERM. Nobody chats in it: the bot sees no updates, but every
// request it makes is validated as in the tests.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "where to listen (host:port)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fake Bot API:", err)
		os.Exit(1)
	}
}

// serve runs the fake Bot API on addr until ctx ends, after writing its URL and token to out.
func serve(ctx context.Context, addr string, out io.Writer) error {
	api := fakeapi.New()
	defer api.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "fake Bot API on http://%s token %s\n", ln.Addr(), fakeapi.Token)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	// Closing the fake API first ends the bot's pending long polls, so Shutdown need not
	// wait for them.
	api.Close()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
