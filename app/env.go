package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lotse-bot/lotse/bot"
)

// Defaults of the environment.
const (
	defaultDBPath          = "lotse.db"
	defaultAdminAddr       = "127.0.0.1:9090"
	defaultShutdownTimeout = 10 * time.Second
	defaultErasureDelay    = time.Minute
)

// environment is every setting Lotse reads from its environment, parsed and checked in one
// place (readEnv) so that each variable has one reading and each error names its variable.
// What a setting requires of others (a token to run the bot, an admin token for a listener
// on the network) is checked by the command that needs it: "lotse check" runs in an
// environment made for the bot too.
type environment struct {
	Token          string // TELEGRAM_BOT_TOKEN or its _FILE; "" when not set
	APIURL         string // TELEGRAM_API_URL; "" for the public Bot API
	DBPath         string // LOTSE_DB
	ConfigPath     string // LOTSE_CONFIG; "" for the built-in example town
	Limits         bot.Limits
	TranslationKey string // LOTSE_TRANSLATION_KEY or its _FILE
	LogLevel       slog.Level
	LogJSON        bool
	Ops            ops
}

// ops are the operational settings of a running bot.
type ops struct {
	AdminAddr       string        // "" when switched off
	AdminToken      string        // required as a bearer token for /metrics, /backup and /report, if set
	ShutdownTimeout time.Duration // sending what is left when stopping
	StuckOutbox     time.Duration // a message waiting longer makes the bot not ready
	Webhook         *bot.Webhook
	WebhookListen   string
	BackupDir       string
	BackupEvery     time.Duration
	BackupKeep      int
	ErasureDelay    time.Duration // from an erasure to the wipe that removes its remains
}

// readEnv reads and checks the environment. Errors name the variable and never contain a
// secret.
func readEnv(getenv func(string) string) (environment, error) {
	e := environment{
		APIURL:     getenv("TELEGRAM_API_URL"),
		DBPath:     getenv("LOTSE_DB"),
		ConfigPath: getenv("LOTSE_CONFIG"),
		Ops: ops{AdminAddr: defaultAdminAddr, ShutdownTimeout: defaultShutdownTimeout, StuckOutbox: 5 * time.Minute,
			WebhookListen: ":8443", BackupEvery: 24 * time.Hour, BackupKeep: 7, ErasureDelay: defaultErasureDelay,
			BackupDir: getenv("LOTSE_BACKUP_DIR")},
	}
	if e.DBPath == "" {
		e.DBPath = defaultDBPath
	}
	if err := e.readLogging(getenv); err != nil {
		return e, err
	}
	var err error
	if e.Token, err = botToken(getenv); err != nil {
		return e, err
	}
	if e.TranslationKey, _, err = secret(getenv, "LOTSE_TRANSLATION_KEY"); err != nil {
		return e, err
	}
	for _, v := range []struct {
		name string
		dst  *float64
	}{{"LOTSE_RATE_GLOBAL", &e.Limits.Global}, {"LOTSE_RATE_CHAT", &e.Limits.PerChat}} {
		s := getenv(v.name)
		if s == "" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 || f > 10000 {
			return e, fmt.Errorf("%s: %q is not a positive number of messages per second", v.name, s)
		}
		*v.dst = f
	}
	if err := e.Ops.read(getenv); err != nil {
		return e, err
	}
	return e, nil
}

// readLogging reads LOTSE_LOG_LEVEL (debug, info, warn, error) and LOTSE_LOG_FORMAT (text,
// json).
func (e *environment) readLogging(getenv func(string) string) error {
	if v := getenv("LOTSE_LOG_LEVEL"); v != "" {
		if err := e.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("LOTSE_LOG_LEVEL: %q is not one of debug, info, warn, error", v)
		}
	}
	switch v := getenv("LOTSE_LOG_FORMAT"); v {
	case "", "text":
	case "json":
		e.LogJSON = true
	default:
		return fmt.Errorf("LOTSE_LOG_FORMAT: %q is not text or json", v)
	}
	return nil
}

// read reads the operational settings: the admin listener, the webhook, backups and the
// timings of stopping, readiness and erasure.
func (o *ops) read(getenv func(string) string) error {
	switch v := getenv("LOTSE_ADMIN_ADDR"); v {
	case "":
	case "off":
		o.AdminAddr = ""
	default:
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("LOTSE_ADMIN_ADDR: %q is not host:port (or \"off\")", v)
		}
		o.AdminAddr = v
	}
	token, source, err := secret(getenv, "LOTSE_ADMIN_TOKEN")
	if err != nil {
		return err
	}
	if !adminToken(token) {
		return fmt.Errorf("%s: use letters, digits and punctuation, without spaces", source)
	}
	o.AdminToken = token
	for _, d := range []struct {
		name     string
		dst      *time.Duration
		min, max time.Duration
	}{
		{"LOTSE_SHUTDOWN_TIMEOUT", &o.ShutdownTimeout, 0, 0},
		{"LOTSE_BACKUP_INTERVAL", &o.BackupEvery, time.Minute, 0},
		{"LOTSE_OUTBOX_STUCK", &o.StuckOutbox, time.Second, 0},
		{"LOTSE_ERASURE_DELAY", &o.ErasureDelay, 100 * time.Millisecond, time.Hour},
	} {
		if v := getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t < d.min {
				return fmt.Errorf("%s: %q is not a duration like \"30s\" or \"24h\" (at least %s)", d.name, v, d.min)
			}
			if d.max > 0 && t > d.max {
				return fmt.Errorf("%s: %q is longer than %s", d.name, v, d.max)
			}
			*d.dst = t
		}
	}
	if v := getenv("LOTSE_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("LOTSE_BACKUP_KEEP: %q is not a number of backups from 1 to 1000", v)
		}
		o.BackupKeep = n
	}
	hookSecret, hookSecretSource, err := secret(getenv, "LOTSE_WEBHOOK_SECRET")
	if err != nil {
		return err
	}
	if raw := getenv("LOTSE_WEBHOOK_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("LOTSE_WEBHOOK_URL: %q is not an https address (Telegram sends webhooks over https only)", raw)
		}
		if hookSecret == "" {
			b := make([]byte, 32)
			rand.Read(b)
			hookSecret = hex.EncodeToString(b)
		} else if !webhookSecret(hookSecret) {
			return fmt.Errorf("%s: use 1 to 256 characters of A-Z, a-z, 0-9, _ and -", hookSecretSource)
		}
		o.Webhook = &bot.Webhook{URL: raw, Secret: hookSecret}
		if v := getenv("LOTSE_WEBHOOK_LISTEN"); v != "" {
			o.WebhookListen = v
		}
	}
	return nil
}

// checkAdminListener refuses an admin listener that other machines can reach without a
// token: it hands out the whole case database.
func (o ops) checkAdminListener() error {
	if o.AdminAddr != "" && !isLoopback(o.AdminAddr) && o.AdminToken == "" {
		return fmt.Errorf("LOTSE_ADMIN_ADDR: %s can be reached from other machines, and the admin listener hands out "+
			"the whole case database (/backup): set a bearer token in LOTSE_ADMIN_TOKEN or in a file named by "+
			"LOTSE_ADMIN_TOKEN_FILE, or listen on %s (or \"off\")", o.AdminAddr, defaultAdminAddr)
	}
	return nil
}

// requireToken is the bot token, or an error when none is set.
func (e environment) requireToken() (string, error) {
	if e.Token == "" {
		return "", errors.New("TELEGRAM_BOT_TOKEN is not set: give the bot's token from @BotFather in TELEGRAM_BOT_TOKEN or a file named by TELEGRAM_BOT_TOKEN_FILE")
	}
	return e.Token, nil
}

// tokenPattern is the shape of a token from @BotFather: the bot's id, a colon, a secret.
var tokenPattern = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{30,100}$`)

// botToken reads the bot token, "" when none is set. Errors never contain the token.
func botToken(getenv func(string) string) (string, error) {
	token, source, err := secret(getenv, "TELEGRAM_BOT_TOKEN")
	if err != nil || token == "" {
		return "", err
	}
	if !tokenPattern.MatchString(token) {
		return "", fmt.Errorf("%s is malformed: a token looks like 123456789:AA… (digits, a colon, then letters, digits, _ and -)", source)
	}
	return token, nil
}

// secret reads a secret from the variable name or from the file named by name_FILE, the way
// Docker and systemd hand out secrets. It returns the secret and the variable it came from
// ("" when neither is set). Errors never contain the secret.
func secret(getenv func(string) string, name string) (value, source string, err error) {
	value, source = getenv(name), name
	file := getenv(name + "_FILE")
	if file == "" {
		if value == "" {
			source = ""
		}
		return value, source, nil
	}
	if value != "" {
		return "", "", fmt.Errorf("set either %s or %s_FILE, not both", name, name)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", "", fmt.Errorf("%s_FILE: cannot read %s: %w", name, file, errors.Unwrap(err))
	}
	value = strings.TrimSpace(string(data))
	if value == "" {
		return "", "", fmt.Errorf("%s_FILE: %s is empty", name, file)
	}
	return value, name + "_FILE", nil
}

// adminToken reports whether s can travel as a bearer token in an HTTP header.
func adminToken(s string) bool {
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return true
}

// webhookSecret reports whether s is a secret Telegram accepts.
func webhookSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
