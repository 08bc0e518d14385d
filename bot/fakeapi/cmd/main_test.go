package main

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

// TestServeAnswersGetMeWithTheTokenItPrints checks that a program started against the
// printed address and token finds the bot, and that the server stops when told.
func TestServeAnswersGetMeWithTheTokenItPrints(t *testing.T) {
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, "127.0.0.1:0", out) }()
	line := regexp.MustCompile(`fake Bot API on (http://\S+) token (\S+)`)
	var m []string
	for deadline := time.Now().Add(5 * time.Second); m == nil; {
		if m = line.FindStringSubmatch(out.String()); m == nil {
			if time.Now().After(deadline) {
				t.Fatalf("no address printed: %q", out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	resp, err := http.Get(m[1] + "/bot" + m[2] + "/getMe")
	if err != nil {
		t.Fatal(err)
	}
	var me struct {
		OK     bool `json:"ok"`
		Result struct {
			IsBot bool `json:"is_bot"`
		} `json:"result"`
	}
	json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()
	if !me.OK || !me.Result.IsBot {
		t.Errorf("getMe answered %+v, want ok and a bot", me)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve ended with %v, want nil", err)
	}
}
