package app

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// TestLoadgenCommand fills a new database for the example town's managers, and refuses to
// touch an existing file or a size below one client.
func TestLoadgenCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.db")
	env := map[string]string{"LOTSE_DB": path}
	code, out := runMain(t, env, "loadgen", "-appointments", "200")
	if code != 0 || !strings.Contains(out, "20 clients, 200 appointments, 100 relayed messages, 40 audit entries") {
		t.Fatalf("loadgen exited %d: %s", code, out)
	}
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx flows.Tx) error {
		c, err := tx.Client(100_019)
		if err == nil && c.Manager != yilmaz && c.Manager != haddad && c.Manager != kovalenko {
			t.Errorf("client 100019 belongs to %d, not to a manager of the example town", c.Manager)
		}
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out := runMain(t, env, "loadgen", "-appointments", "200"); code != exitUsage || !strings.Contains(out, "exists") {
		t.Errorf("a second run on the same file exited %d: %s", code, out)
	}
	env["LOTSE_DB"] = filepath.Join(t.TempDir(), "small.db")
	if code, out := runMain(t, env, "loadgen", "-appointments", "5"); code != exitUsage || !strings.Contains(out, "at least 10") {
		t.Errorf("5 appointments: exited %d: %s", code, out)
	}
}
