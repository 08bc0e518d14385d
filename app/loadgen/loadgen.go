// Package loadgen fills a Lotse database with a town's history through the store's own API,
// in the proportions measured in issue 16: one client per ten appointments, with a note,
// five relayed messages and two audit entries per client. The load benchmark of package app
// and the command "lotse loadgen" use it, so that what is measured is a file Lotse itself
// could have written.
package loadgen

import (
	"errors"
	"fmt"
	"time"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// Proportions of a generated town, per client.
const (
	AppointmentsPerClient = 10
	RelaysPerClient       = 5
	AuditPerClient        = 2
)

// FirstClient is the Telegram id of the first generated client; the others follow it.
const FirstClient = 100_000

// batch is the number of clients written per transaction: large enough to fill a million
// appointments in minutes, small enough to keep each transaction's memory modest.
const batch = 1_000

// Town describes what Fill writes.
type Town struct {
	// Appointments is how many appointments to store; a tenth as many clients are made.
	Appointments int
	// Managers are the managers the clients are spread over, round robin. When empty, 1 000
	// made-up managers (900000–900999) take them, as in a large county.
	Managers []int64
	// Base is when the history begins; the appointments follow it half an hour apart per
	// manager. Zero means 5 January 2026, 08:00 UTC.
	Base time.Time
	// Languages are the clients' languages, round robin; empty means Arabic for all.
	Languages []string
}

// Filled is what Fill wrote.
type Filled struct {
	Clients, Appointments, Relays, Audit int
}

// Clients returns how many clients a town of this many appointments has.
func Clients(appointments int) int { return appointments / AppointmentsPerClient }

// ClientID returns the Telegram id of the i-th generated client.
func ClientID(i int) int64 { return int64(FirstClient + i) }

// Fill stores the town in db, in transactions of 1 000 clients, and reports progress after
// each transaction when progress is not nil. The clients have consented and are in the menu,
// so that they can use the bot at once; their case numbers come from the store's counter.
func Fill(db *store.DB, town Town, progress func(Filled)) (Filled, error) {
	var done Filled
	if town.Appointments < AppointmentsPerClient {
		return done, errors.New("loadgen: at least 10 appointments are needed, one client's worth")
	}
	managers := town.Managers
	if len(managers) == 0 {
		for i := range int64(1_000) {
			managers = append(managers, 900_000+i)
		}
	}
	langs := town.Languages
	if len(langs) == 0 {
		langs = []string{"ar"}
	}
	base := town.Base
	if base.IsZero() {
		base = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	}
	clients := Clients(town.Appointments)
	for from := 0; from < clients; from += batch {
		var add Filled
		_, err := db.Update(func(tx flows.Tx) error {
			add = Filled{}
			for c := from; c < min(from+batch, clients); c++ {
				if err := fillClient(tx, c, managers, langs, base, &add); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("loadgen: clients %d–%d: %w", from, min(from+batch, clients)-1, err)
		}
		done.Clients += add.Clients
		done.Appointments += add.Appointments
		done.Relays += add.Relays
		done.Audit += add.Audit
		if progress != nil {
			progress(done)
		}
	}
	return done, nil
}

// fillClient stores the c-th client with their appointments, relay records and audit
// entries.
func fillClient(tx flows.Tx, c int, managers []int64, langs []string, base time.Time, add *Filled) error {
	id, manager := ClientID(c), managers[c%len(managers)]
	n, err := tx.NextCase()
	if err != nil {
		return err
	}
	notes := []flows.Note{{At: base, By: manager, Text: fmt.Sprintf("Termin beim Jobcenter, Unterlagen %d mitbringen; Sprachkurs B1 ab Mai", c)}}
	client := &flows.Client{ID: id, Lang: langs[c%len(langs)], Step: flows.StepMenu, ConsentAt: base, Case: n,
		Manager: manager, CreatedAt: base, LastSeenAt: base, Notes: notes}
	if err := tx.PutClient(client); err != nil {
		return err
	}
	add.Clients++
	// Each manager's clients take consecutive half hours, so no two share a seat.
	turn := c / len(managers)
	for i := range AppointmentsPerClient {
		start := base.Add(time.Duration(turn*AppointmentsPerClient+i) * 30 * time.Minute)
		a := &flows.Appointment{Client: id, Manager: manager, Office: "rathaus", Start: start, End: start.Add(30 * time.Minute),
			Status: flows.StatusBooked, CreatedAt: base}
		if err := tx.Book(a, 1); err != nil {
			return err
		}
		add.Appointments++
	}
	for i := range RelaysPerClient {
		// Message ids in the manager's chat: unique per manager, far above what the load
		// driver's own messages reach.
		if err := tx.PutRelay(manager, 1_000_000_000+c*RelaysPerClient+i, flows.RelayRef{Client: id, Source: i + 1, At: base}); err != nil {
			return err
		}
		add.Relays++
	}
	for _, action := range []string{"mydata", "note"}[:AuditPerClient] {
		if err := tx.Audit(flows.AuditEntry{At: base, Staff: manager, Action: action, Case: client.CaseLabel()}); err != nil {
			return err
		}
		add.Audit++
	}
	return nil
}
