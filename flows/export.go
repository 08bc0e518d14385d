package flows

import "time"

// The readable export: /mydata sends, next to the JSON file, a document a person reads on
// their phone, in their language. flows builds it as phrases; the edge renders it into the
// file, so no translated text lives here.

// export is what the readable document is made of: the client's record, everything stored
// beyond it, and their messages on their way.
type export struct {
	client     *Client
	trace      *Trace
	deliveries []*Delivery
	household  []*Client // the client's household, holder first; the client alone if none
}

// exportSection builds one section of the readable document: a heading and its lines. It
// returns nothing when the section has nothing to say.
type exportSection func(f *Flows, x *export) []Phrase

// exportSections are the document's sections, in the order the client reads them. Whatever
// else Lotse comes to store about a client adds its section here, built from the Trace like
// the others.
var exportSections = []exportSection{
	(*Flows).exportAbout,
	(*Flows).exportConsent,
	(*Flows).exportPlan,
	(*Flows).exportAppointments,
	(*Flows).exportReminders,
	(*Flows).exportActivities,
	(*Flows).exportMessages,
	(*Flows).exportSettings,
	(*Flows).exportNotes,
	(*Flows).exportNotStored,
}

// readableExport is the document of /mydata to read: a title, then each section as one
// paragraph.
func (f *Flows) readableExport(x *export) []Phrase {
	doc := []Phrase{{ID: "ExportTitle", Args: map[string]string{"Town": f.Config.Town}, Sub: map[string]Phrase{"Date": f.date(f.Now())}}}
	for _, section := range exportSections {
		if lines := section(f, x); len(lines) > 0 {
			doc = append(doc, Join("\n", lines...))
		}
	}
	return doc
}

// date says a day like 30.03.2027 in the town's zone, in the reader's digits.
func (f *Flows) date(t time.Time) Phrase {
	return Number(t.In(f.Config.location()).Format("02.01.2006"))
}

// exportPlan lists the integration plan as the client sees it under 🧭: goals, steps, dates
// and status.
func (f *Flows) exportPlan(x *export) []Phrase {
	p := x.trace.Plan
	if p == nil || len(p.Goals) == 0 {
		return nil
	}
	return append([]Phrase{Msg("PlanTitle")}, f.planText(p, x.client.Lang, true, 0, x.client.ID)...)
}

// exportAbout says who the client is for Lotse: case number, language, housing site,
// manager, since when.
func (f *Flows) exportAbout(x *export) []Phrase {
	c := x.client
	l, _ := LookupLanguage(c.Lang)
	lines := []Phrase{Msg("ExportAboutTitle"), Msg("ExportCase", "Case", c.CaseLabel())}
	if len(x.household) > 1 {
		lines = append(lines, Phrase{ID: "ExportFamily", Sub: map[string]Phrase{"Count": Number(itoa(len(x.household))), "Member": memberName(c, "")}})
	}
	if c.Lang != "" {
		lines = append(lines, Msg("ExportLanguage", "Language", l.Name))
	}
	if name := f.districtName(c.District); name != "" {
		lines = append(lines, Msg("ExportHousing", "Housing", name))
	}
	if name := f.managerName(c.Manager); name != "" {
		lines = append(lines, Msg("ExportManager", "Manager", name))
	} else {
		lines = append(lines, Msg("ExportNoManager"))
	}
	if c.Interpreter {
		lines = append(lines, Msg("ExportInterpreter"))
	}
	return append(lines, Phrase{ID: "ExportSince", Sub: map[string]Phrase{"Date": f.date(c.CreatedAt)}})
}

// exportConsent says whether and when the client agreed, and to which privacy notice.
func (f *Flows) exportConsent(x *export) []Phrase {
	c := x.client
	lines := []Phrase{Msg("ExportConsentTitle")}
	switch {
	case c.Consented():
		lines = append(lines, Phrase{ID: "ExportConsentGiven", Sub: map[string]Phrase{"Date": f.date(c.ConsentAt)}})
		if c.ConsentNotice != "" {
			lines = append(lines, Msg("ExportConsentNotice", "Version", c.ConsentNotice))
		}
	case !c.DeclinedAt.IsZero():
		lines = append(lines, Phrase{ID: "ExportConsentDeclined", Sub: map[string]Phrase{"Date": f.date(c.DeclinedAt)}})
	default:
		lines = append(lines, Msg("ExportConsentNone"))
	}
	return lines
}

// exportStatus names what became of an appointment or visit.
var exportStatus = map[Status]string{StatusBooked: "ExportStatusBooked", StatusCancelled: "ExportStatusCancelled", StatusAttended: "ExportStatusAttended", StatusMissed: "ExportStatusMissed"}

// exportAppointments lists every stored appointment and home visit, as the client sees them
// in the bot, with their manager and what became of them.
func (f *Flows) exportAppointments(x *export) []Phrase {
	lines := []Phrase{Msg("ExportApptsTitle")}
	if len(x.trace.Appointments) == 0 {
		return append(lines, Msg("ExportNone"))
	}
	for _, a := range x.trace.Appointments {
		p := f.summary(a.Start, a.Office, f.arrangedInterpreter(a))
		if a.IsVisit() {
			p = f.visitText("VisitListed", a)
		}
		if name := f.managerName(a.Manager); name != "" {
			p = Join("\n", p, Msg("ExportWith", "Manager", name))
		}
		switch id, ok := exportStatus[a.Status]; {
		case a.Status == StatusBooked && a.IsVisit() && a.Confirmed:
			p = Join("\n", p, Msg("ExportVisitConfirmed"))
		case ok:
			p = Join("\n", p, Msg(id))
		}
		lines = append(lines, Literal(""), p)
	}
	return lines
}

// exportReminders lists the reminders the client is still to get.
func (f *Flows) exportReminders(x *export) []Phrase {
	lines := []Phrase{Msg("ExportRemindersTitle")}
	for _, r := range x.trace.Reminders {
		if r.Kind == RemindClient {
			lines = append(lines, Join(" ", Literal("•"), f.when(r.At)))
		}
	}
	if len(lines) == 1 {
		lines = append(lines, Msg("ExportNone"))
	}
	return lines
}

// exportMessages says how many of the client's messages were passed on, and which are still
// on their way or kept.
func (f *Flows) exportMessages(x *export) []Phrase {
	passed := 0
	for _, r := range x.trace.Relays {
		if r.Ref.Source != 0 {
			passed++
		}
	}
	lines := []Phrase{Msg("ExportMessagesTitle"), {ID: "ExportMessagesPassed", Sub: map[string]Phrase{"Count": Number(itoa(passed))}}}
	for _, d := range x.deliveries {
		id := "ExportMessageOnItsWay"
		if d.Kept {
			id = "ExportMessageKept"
		}
		lines = append(lines, Phrase{ID: id, Sub: map[string]Phrase{"When": f.when(d.At)}})
	}
	return lines
}

// exportSettings says the client's group news and machine translation settings.
func (f *Flows) exportSettings(x *export) []Phrase {
	c := x.client
	news := Msg("ExportNewsOn")
	if c.NoNews {
		news = Msg("ExportNewsOff")
	}
	mt := Msg("ExportMTOn", "Engine", f.engineName())
	switch {
	case f.engineName() == "":
		mt = Msg("ExportMTNone")
	case c.NoTranslation:
		mt = Msg("ExportMTOffByYou")
	case c.TranslationOff:
		mt = Msg("ExportMTOffByManager")
	}
	return []Phrase{Msg("ExportSettingsTitle"), news, mt}
}

// exportNotes shows the managers' notes on the case as written: they are the client's data
// too.
func (f *Flows) exportNotes(x *export) []Phrase {
	lines := []Phrase{Msg("ExportNotesTitle")}
	if len(x.client.Notes) == 0 {
		return append(lines, Msg("ExportNone"))
	}
	for _, n := range x.client.Notes {
		lines = append(lines, Phrase{ID: "ExportNote", Args: map[string]string{"Manager": f.managerName(n.By), "Text": n.Text}, Sub: map[string]Phrase{"Date": f.date(n.At)}})
	}
	return lines
}

// exportNotStored says what Lotse does not keep, and how to delete the rest.
func (f *Flows) exportNotStored(*export) []Phrase {
	return []Phrase{Msg("ExportNotStoredTitle"), Msg("ExportNotStored"), Msg("ExportDelete")}
}
