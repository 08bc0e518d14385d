package bot

import (
	ics "github.com/arran4/golang-ical"

	"github.com/lotse-bot/lotse/flows"
)

// calendarFile renders an appointment as an iCalendar (RFC 5545) file, titled in the
// recipient's language. github.com/arran4/golang-ical does the escaping and line folding
// the standard asks for. The event keeps its UID for life; a change is published again with
// a higher SEQUENCE (RFC 5546 3.2.1: PUBLISH also updates, and unlike REQUEST it needs no
// attendees), and a cancellation is METHOD:CANCEL with STATUS:CANCELLED and the ORGANIZER
// that RFC 5546 3.2.5 requires.
func (r *Renderer) calendarFile(lang string, e *flows.CalendarEvent) ([]byte, error) {
	title, err := r.Phrase(lang, e.Title)
	if err != nil {
		return nil, err
	}
	notes, err := r.join(lang, e.Notes, "\n")
	if err != nil {
		return nil, err
	}
	cal := ics.NewCalendarFor("Lotse")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent(e.UID + "@lotse")
	ev.SetDtStampTime(e.Created.UTC())
	ev.SetSequence(e.Sequence)
	if e.Cancel {
		cal.SetMethod(ics.MethodCancel)
		ev.SetStatus(ics.ObjectStatusCancelled)
		ev.SetOrganizer("mailto:lotse@invalid", ics.WithCN("Lotse"))
	}
	ev.SetStartAt(e.Start.UTC())
	ev.SetEndAt(e.End.UTC())
	ev.SetSummary(title)
	if e.Place != "" { // a home visit at a housing site the town did not record has none
		ev.SetLocation(e.Place)
	}
	if notes != "" {
		ev.SetDescription(notes)
	}
	alarm := ev.AddAlarm()
	alarm.SetAction(ics.ActionDisplay)
	alarm.SetTrigger("-PT2H") // phones remind two hours before, like Lotse does
	alarm.SetProperty(ics.ComponentPropertyDescription, title)
	return []byte(cal.Serialize()), nil
}
