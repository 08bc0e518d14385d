package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

func TestTokenErrors(t *testing.T) {
	dir := t.TempDir()
	secret := "123456789:AAsecretsecretsecretsecretsecret"
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("not-a-token-"+secret[10:]+"\n"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"missing", map[string]string{}, "TELEGRAM_BOT_TOKEN is not set"},
		{"malformed", map[string]string{"TELEGRAM_BOT_TOKEN": "123:" + secret[10:20]}, "TELEGRAM_BOT_TOKEN is malformed"},
		{"malformed in file", map[string]string{"TELEGRAM_BOT_TOKEN_FILE": tokenFile}, "TELEGRAM_BOT_TOKEN_FILE is malformed"},
		{"missing file", map[string]string{"TELEGRAM_BOT_TOKEN_FILE": filepath.Join(dir, "nope")}, "TELEGRAM_BOT_TOKEN_FILE: cannot read"},
		{"both", map[string]string{"TELEGRAM_BOT_TOKEN": secret, "TELEGRAM_BOT_TOKEN_FILE": tokenFile}, "not both"},
		{"bad rate", map[string]string{"TELEGRAM_BOT_TOKEN": secret, "LOTSE_RATE_CHAT": "fast"}, "LOTSE_RATE_CHAT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["LOTSE_DB"] = filepath.Join(t.TempDir(), "lotse.db")
			code, out := runMain(t, tt.env)
			if code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if n := strings.Count(out, tt.want); n != 1 {
				t.Errorf("output %q has %q %d times, want once", out, tt.want, n)
			}
			if strings.Contains(out, secret[10:20]) {
				t.Errorf("the token was printed: %q", out)
			}
		})
	}
}

func TestRejectedTokenExitsWithoutPrintingIt(t *testing.T) {
	api := fakeapi.NewWithToken(fakeapi.Token)
	defer api.Close()
	other := "987654321:AAanotherTokenThatTelegramDoesNotKnow0"
	code, out := runMain(t, map[string]string{
		"TELEGRAM_BOT_TOKEN": other, "TELEGRAM_API_URL": api.URL(),
		"LOTSE_DB": filepath.Join(t.TempDir(), "lotse.db"),
	})
	if code != 2 || !strings.Contains(out, "rejected the bot token") {
		t.Errorf("exit %d, output %q; want 2 and a clear message", code, out)
	}
	if strings.Contains(out, other[10:]) {
		t.Errorf("the token was printed: %q", out)
	}
}

func TestDatabaseIsCreatedPrivate(t *testing.T) {
	tb := newTestBot(t)
	tb.api.SendText(fakeapi.User{ID: 250, FirstName: "A", LanguageCode: "de"}, "/start")
	tb.waitMessages(250, 1)
	info, err := os.Stat(tb.env["LOTSE_DB"])
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("database mode %o, want 600", info.Mode().Perm())
	}
	if !strings.Contains(tb.logs.String(), "running on the built-in example town") {
		t.Errorf("the log does not say that the example town is used")
	}
}

func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	good := writeConfig(t, dir)
	code, out := runMain(t, nil, "check", good)
	if code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("check of a good file: exit %d, %q", code, out)
	}
	bad := writeConfig(t, t.TempDir(), `address = "Marktplatz 1, 79999 Musterstadt"`, `adress = "Marktplatz 1, 79999 Musterstadt"`)
	code, out = runMain(t, nil, "check", bad)
	if code == 0 {
		t.Errorf("check accepted a typo")
	}
	for _, want := range []string{bad, `unknown field "offices.adress"`, `did you mean "address"`, "\n1 problem\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, "offices[1].address") {
		t.Errorf("check reported the misspelt field a second time as missing: %q", out)
	}
	code, _ = runMain(t, map[string]string{"LOTSE_CONFIG": bad}, "check")
	if code == 0 {
		t.Errorf("check ignored LOTSE_CONFIG")
	}
	code, out = runMain(t, map[string]string{"LOTSE_CONFIG": bad, "TELEGRAM_BOT_TOKEN": fakeapi.Token})
	if code != 2 || !strings.Contains(out, "adress") {
		t.Errorf("starting with a broken config: exit %d, %q; want 2 naming the field", code, out)
	}
}

func TestCheckTellsEveryProblemAtOnce(t *testing.T) {
	path := writeConfig(t, t.TempDir(),
		"telegram_id = 900103", `telegram_id = "900103"`,
		`to = "12:30"`, `to = "12:70"`,
		"flood_per_minute = 20", "flood_per_minut = 20",
	)
	code, out := runMain(t, nil, "check", path)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := func(text string) string {
		return fmt.Sprintf("%s:%d: ", path, strings.Count(string(data[:bytes.Index(data, []byte(text))]), "\n")+1)
	}
	for _, want := range []string{
		at(`telegram_id = "900103"`) + "managers[3].telegram_id: must be a number without quotes, like telegram_id = 900103",
		at(`to = "12:70"`) + `office_hours[3].to: "12:70" is not a time like 12:00`,
		at("flood_per_minut") + `unknown field "relay.flood_per_minut" (did you mean "flood_per_minute"?)`,
		"\n3 problems\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output:\n%s\nlacks %q", out, want)
		}
	}
}

func TestCheckOutputMatchesTheReadme(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile("`(my-town\\.toml:[0-9]+: [^`]+)`").FindSubmatch(readme)
	if example == nil {
		t.Fatal("README shows no example of check's output")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "my-town.toml"),
		[]byte(strings.Replace(string(flows.ExampleConfig), `name = "Frau Yılmaz"`, `naem = "Frau Yılmaz"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Main{Getenv: func(string) string { return "" }, Stdout: io.Discard, Stderr: &syncBuffer{}, Now: time.Now}
	t.Chdir(dir)
	code := exit(m.Stderr, m.Run(context.Background(), []string{"check", "my-town.toml"}))
	out := m.Stderr.(*syncBuffer).String()
	if want := string(example[1]) + "\n1 problem\n"; code != 1 || out != want {
		t.Errorf("exit %d, output %q; want 1 and the README's %q", code, out, want)
	}
}

func TestCheckWarnsOfLongListsButPasses(t *testing.T) {
	var sites strings.Builder
	for i := range 246 {
		fmt.Fprintf(&sites, "\n[[districts]]\nid = \"site-%d\"\nname = \"Wohnheim %d\"\n", i, i)
	}
	path := writeConfig(t, t.TempDir(), "[[managers]]", sites.String()+"\n[[managers]]")
	code, out := runMain(t, nil, "check", path)
	if code != 0 {
		t.Errorf("a town with 250 districts failed the check: exit %d, %s", code, out)
	}
	for _, want := range []string{"warning: districts: 250 entries", "type a name to search", "no problems, 1 warning"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output:\n%s\nlacks %q", out, want)
		}
	}
}

// TestVersionIsTheStampedOne: what a build stamps with -ldflags "-X main.version=…" is
// what lotse version prints and what the metrics carry, so an operator can tell which
// build runs.
func TestVersionIsTheStampedOne(t *testing.T) {
	if code, out := runMain(t, nil, "version"); code != 0 || out != "lotse devel\n" {
		t.Errorf("lotse version of an unstamped test binary: exit %d, %q; want \"lotse devel\"", code, out)
	}
	version = "1.4.2-test"
	t.Cleanup(func() { version = "" })
	if code, out := runMain(t, map[string]string{"LOTSE_LOG_LEVEL": "loud"}, "version"); code != 0 || out != "lotse 1.4.2-test\n" {
		t.Errorf("lotse version: exit %d, %q; want \"lotse 1.4.2-test\" whatever the environment", code, out)
	}
	tb := newTestBot(t)
	if _, body := get(t, tb.adminURL()+"/metrics"); !strings.Contains(body, `lotse_build_info{version="1.4.2-test"} 1`) {
		t.Errorf("/metrics lacks lotse_build_info of the stamped version:\n%.2000s", body)
	}
}

// TestTheBuildFlagStampsTheVersion builds the program the way the Dockerfile does, with
// -ldflags "-X main.version=…", and asks the binary for its version.
func TestTheBuildFlagStampsTheVersion(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "lotse")
	build := exec.Command("go", "build", "-ldflags=-X main.version=9.8.7-docker", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || string(out) != "lotse 9.8.7-docker\n" {
		t.Errorf("the stamped binary says %q (%v); want \"lotse 9.8.7-docker\"", out, err)
	}
}
