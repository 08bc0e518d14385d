package app

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lotse-bot/lotse/store"
)

// The commands that read the database (backup, report, logid) open it directly when no
// Lotse runs on it, else ask the running Lotse through its admin listener.

// withDB runs direct on the database LOTSE_DB when no Lotse holds it, else remote against
// the running Lotse's admin listener (LOTSE_ADMIN_ADDR, LOTSE_ADMIN_TOKEN or its _FILE).
func (m *Main) withDB(direct func(*store.DB) (int64, error), remote func(base string, client *http.Client, token string) (int64, error)) (int64, string, error) {
	path := m.environ.DBPath
	if _, err := os.Stat(path); err != nil {
		return 0, "", fmt.Errorf("LOTSE_DB: %w", err)
	}
	db, err := store.OpenWait(path, 100*time.Millisecond)
	if err == nil {
		defer db.Close()
		n, err := direct(db)
		return n, "read from " + path, err
	}
	if !strings.Contains(err.Error(), "in use by another Lotse process") {
		return 0, "", err
	}
	o := m.environ.Ops
	if o.AdminAddr == "" {
		return 0, "", fmt.Errorf("%s is in use by a running Lotse and LOTSE_ADMIN_ADDR is off: switch the admin listener on, or stop Lotse", path)
	}
	base := "http://" + o.AdminAddr
	n, err := remote(base, &http.Client{Timeout: 10 * time.Minute}, o.AdminToken)
	return n, "from the running Lotse at " + o.AdminAddr, err
}

// fetch copies the body of a GET to w.
func fetch(client *http.Client, u, token string, w io.Writer) (int64, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("the running Lotse's admin listener: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, fmt.Errorf("the running Lotse's admin listener answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return io.Copy(w, resp.Body)
}
