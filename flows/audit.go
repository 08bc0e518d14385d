package flows

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"
)

// The audit log records each time a staff member reads or changes a case, so the town can
// answer who looked at whose file; an admin exports it as a table.

// auditLog sends an admin the audit log as a CSV file.
func (f *Flows) auditLog(t *turn) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"time", "staff_telegram_id", "staff_name", "action", "case"})
	loc := f.Config.location()
	err := t.tx.AuditLog(func(e AuditEntry) error {
		return w.Write([]string{e.At.In(loc).Format(time.RFC3339), strconv.FormatInt(e.Staff, 10), f.managerName(e.Staff), e.Action, e.Case})
	})
	if err != nil {
		return err
	}
	w.Flush()
	if err := t.tx.Audit(AuditEntry{At: f.Now(), Staff: t.ev.UserID, Action: "audit-export"}); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: t.ev.UserID, Lang: t.lang, Kind: OutDocument, FileName: "lotse-audit.csv", File: b.Bytes(), Text: []Phrase{Msg("AuditCaption")}})
}

// audit records a staff member's access to a case.
func (f *Flows) audit(tx FigureStore, staff int64, action string, c *Client) error {
	return tx.Audit(AuditEntry{At: f.Now(), Staff: staff, Action: action, Case: c.CaseLabel()})
}
