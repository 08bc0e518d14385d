package app

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// backupTo writes a backup of the running bot to file with "lotse backup".
func (tb *testBot) backupTo(file string) {
	tb.t.Helper()
	tb.adminURL()
	out := &syncBuffer{}
	m := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: out, Stderr: out, Now: tb.now}
	m.env(tb.main.AdminAddr())
	if code := exit(m.Stderr, m.Run(tb.t.Context(), []string{"backup", file})); code != 0 {
		tb.t.Fatalf("lotse backup exited %d: %s", code, out)
	}
}

func TestErasureHoldsInTheFileInKeptBackupsAndAfterARestore(t *testing.T) {
	backups := t.TempDir()
	tb := newTestBot(t, "LOTSE_BACKUP_DIR", backups, "LOTSE_ERASURE_DELAY", "100ms")
	tb.setNow(monday)
	y := tb.startStaff(yilmaz)
	tb.startStaff(admin)
	u := fakeapi.User{ID: 987654321, FirstName: "Zainab", LanguageCode: "ar"}
	token, _ := richClient(t, tb, u, "ar")
	other := fakeapi.User{ID: 5555, FirstName: "Olena", LanguageCode: "uk"}
	tb.toDistrict(other, "uk", "Altstadt")
	traces := clientTraces(u, token)

	// Two copies from before the erasure: one kept in the backup directory, one taken away.
	kept := filepath.Join(backups, "lotse-20270322T070000Z.db")
	offsite := filepath.Join(t.TempDir(), "offsite.db")
	tb.backupTo(kept)
	tb.backupTo(offsite)
	keptInfo, err := os.Stat(kept)
	if err != nil {
		t.Fatal(err)
	}
	if found := strings.Join(tracesIn(traces, offsite), ", "); !strings.Contains(found, "id (8 bytes)") || !strings.Contains(found, "note") {
		t.Fatalf("the copy from before the erasure holds only %q; the scan would prove nothing", found)
	}

	tb.api.SendText(u, "/delete")
	tb.press(u, say(t, "ar", "DeleteYes"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "Deleted") })
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffClientDeleted", "Case", "K-0001") })

	// Within LOTSE_ERASURE_DELAY the database file, every kept backup and the erasure
	// ledgers hold no byte of her.
	files := func() []string {
		kept, _ := filepath.Glob(filepath.Join(backups, backupGlob))
		return append(kept, tb.env["LOTSE_DB"], tb.env["LOTSE_DB"]+".erased", filepath.Join(backups, "lotse.erased"))
	}
	var left []string
	if !tb.api.WaitFor(15*time.Second, func() bool { left = tracesIn(traces, files()...); return len(left) == 0 }) {
		t.Fatalf("after the erasure the files still hold: %v", left)
	}
	// The kept backup was rewritten, not dropped: it keeps its time and the other client.
	info, err := os.Stat(kept)
	if err != nil || !info.ModTime().Equal(keptInfo.ModTime()) {
		t.Errorf("the kept backup from before the erasure: %v, %v; want it kept with its time %v", info.ModTime(), err, keptInfo.ModTime())
	}
	if olena := tracesIn(map[string][]byte{"Olena": binary.BigEndian.AppendUint64(nil, uint64(other.ID))}, kept); len(olena) != 1 {
		t.Errorf("the rewritten backup lost the other client")
	}

	// Restore the copy taken away, on a server where only the backup directory came along.
	tb.stop()
	if err := os.Remove(tb.env["LOTSE_DB"] + ".erased"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(offsite)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tb.env["LOTSE_DB"], raw, 0o600); err != nil {
		t.Fatal(err)
	}
	tb.start()
	n := len(tb.api.Messages(other.ID))
	tb.api.SendText(other, "/menu")
	tb.waitMessages(other.ID, n+1)
	if left := tracesIn(traces, tb.env["LOTSE_DB"]); len(left) > 0 {
		t.Errorf("the restored database holds her again: %v", left)
	}
	if !strings.Contains(tb.logs.String(), `clients erased again" count=1`) {
		t.Errorf("the start does not report the erasure applied again:\n%s", tb.logs)
	}

	// She writes again and is a new client; the next start leaves her new record be.
	tb.api.SendText(u, "/start")
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "LanguageConfirm")) })
	tb.restart()
	n = len(tb.api.Messages(other.ID))
	tb.api.SendText(other, "/menu")
	tb.waitMessages(other.ID, n+1)
	tb.stop()
	db := tb.db()
	c, err := db.Client(u.ID)
	if err != nil || c.Case == 1 {
		t.Errorf("her new record after the restore: %+v, %v; want a new case", c, err)
	}
	db.View(func(tx flows.Tx) error {
		if appts, _ := tx.ClientAppointments(u.ID); len(appts) != 0 {
			t.Errorf("the restore brought back her appointment: %+v", appts[0])
		}
		return nil
	})
	db.Close()
	tb.start()
}

func TestRetentionErasureHoldsInTheFile(t *testing.T) {
	tb := newTestBot(t, "LOTSE_ERASURE_DELAY", "100ms")
	tb.setNow(monday)
	tb.startStaff(yilmaz)
	idle := fakeapi.User{ID: 6102, FirstName: "Dmytro", LanguageCode: "uk"}
	tb.toDistrict(idle, "uk", "Altstadt")
	traces := map[string][]byte{
		"id":           []byte(strconv.FormatInt(idle.ID, 10)),
		"id (8 bytes)": binary.BigEndian.AppendUint64(nil, uint64(idle.ID)),
		"name":         []byte(idle.FirstName),
	}
	if found := tracesIn(traces, tb.env["LOTSE_DB"]); len(found) == 0 {
		t.Fatal("the file holds nothing of the client before the retention; the scan would prove nothing")
	}
	// The night after the retention period (12 months in the example town) erases him.
	d := monday.AddDate(0, 13, 0)
	tb.at(time.Date(d.Year(), d.Month(), d.Day(), 3, 1, 0, 0, berlin))
	var left []string
	if !tb.api.WaitFor(15*time.Second, func() bool {
		left = tracesIn(traces, tb.env["LOTSE_DB"], tb.env["LOTSE_DB"]+".erased")
		return len(left) == 0
	}) {
		t.Fatalf("after the retention the files still hold: %v", left)
	}
	tb.stop()
	if _, err := tb.db().Client(idle.ID); flows.ErrorCode(err) != flows.ENotFound {
		t.Errorf("the inactive client is still stored: %v", err)
	}
}

func TestErasureDelayIsChecked(t *testing.T) {
	for _, v := range []string{"soon", "1ms", "2h"} {
		errs := &syncBuffer{}
		m := &Main{Getenv: func(k string) string {
			return map[string]string{"TELEGRAM_BOT_TOKEN": fakeapi.Token, "LOTSE_ERASURE_DELAY": v}[k]
		}, Stdout: io.Discard, Stderr: errs, Now: time.Now}
		if code := exit(m.Stderr, m.Run(t.Context(), nil)); code != exitUsage || !strings.Contains(errs.String(), "LOTSE_ERASURE_DELAY") {
			t.Errorf("LOTSE_ERASURE_DELAY=%s: exit %d, %s", v, code, errs)
		}
	}
}
