package app

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPlaygroundRefusesAnAddressOthersCanReach(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.168.1.20:8080", "example.org:80"} {
		code, out := runMain(t, map[string]string{}, "playground", "-addr", addr)
		if code != exitUsage || !strings.Contains(out, "-public") || !strings.Contains(out, "no login") {
			t.Errorf("-addr %s: exit %d, output %q; want 2 and why, naming -public", addr, code, out)
		}
	}
}

func TestPlaygroundRunsTheRealBotAndCleansUp(t *testing.T) {
	out := &syncBuffer{}
	m := &Main{Getenv: func(string) string { return "" }, Stdout: out, Stderr: out, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- exit(m.Stderr, m.Run(ctx, []string{"playground", "-addr", "127.0.0.1:0"})) }()
	var code int
	stop := sync.OnceFunc(func() { cancel(); code = <-done })
	defer stop()

	pageURL := regexp.MustCompile(`open (http://127\.0\.0\.1:[0-9]+/) in your browser`)
	var page string
	deadline := time.Now().Add(5 * time.Second)
	for page == "" {
		if match := pageURL.FindStringSubmatch(out.String()); match != nil {
			page = match[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no address to open in the output: %s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	resp, err := http.Post(page+"api/people/10001/send", "application/json", strings.NewReader(`{"text":"/start"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := say(t, "ar", "LanguageConfirm")
	for deadline := time.Now().Add(5 * time.Second); ; {
		var chat struct {
			Messages []struct{ From, Text string }
		}
		resp, err := http.Get(page + "api/people/10001/chat")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&chat)
		resp.Body.Close()
		if n := len(chat.Messages); n > 0 && chat.Messages[n-1].From == "bot" && strings.Contains(chat.Messages[n-1].Text, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Amira was never greeted in Arabic: %+v", chat.Messages)
		}
		time.Sleep(20 * time.Millisecond)
	}

	stop()
	if code != exitOK {
		t.Errorf("exit %d, want 0: %s", code, out.String())
	}
	db := regexp.MustCompile(`db=(\S+)`).FindStringSubmatch(out.String())
	if db == nil || !strings.Contains(db[1], "lotse-playground-") {
		t.Fatalf("no temporary database in the log: %s", out.String())
	}
	if _, err := os.Stat(filepath.Dir(db[1])); !os.IsNotExist(err) {
		t.Errorf("the temporary database %s outlived the playground (%v)", db[1], err)
	}
}
