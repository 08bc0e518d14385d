package bot

import (
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text, cmd, args string
		ok              bool
	}{
		{"/start", "start", "", true},
		{"/start inv-abc", "start", "inv-abc", true},
		{"/START", "start", "", true},
		{"/start@lotse_test_bot payload", "start", "payload", true},
		{"/start@other_bot", "", "", false},
		{"/start\npayload", "start", "payload", true},
		{"مرحبا /start", "", "", false},
		{"/", "", "", false},
		{"/مرحبا", "", "", false},
		{"hello", "", "", false},
		{"/thiscommandiswaytoolongfortelegramtoaccept", "", "", false},
	}
	for _, tt := range tests {
		cmd, args, ok := parseCommand(tt.text, "lotse_test_bot")
		if cmd != tt.cmd || args != tt.args || ok != tt.ok {
			t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tt.text, cmd, args, ok, tt.cmd, tt.args, tt.ok)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	f.Add("/start inv-abc")
	f.Add("/help@lotse_test_bot")
	f.Add("سلام /start")
	f.Fuzz(func(t *testing.T, text string) {
		cmd, _, ok := parseCommand(text, "lotse_test_bot")
		if ok && (cmd == "" || len(cmd) > 32) {
			t.Errorf("parseCommand(%q) accepted command %q", text, cmd)
		}
	})
}
