package flows

import (
	"strings"
	"time"
)

// handleStaff runs the conversation with a manager or admin. Staff are known from the
// configuration, so they skip the client's first contact; their screens are in the
// configured manager language unless they pick another.
func (f *Flows) handleStaff(tx Tx, ev Event) error {
	s, err := tx.Staff(ev.UserID)
	switch {
	case isNotFound(err):
		s = &Staff{ID: ev.UserID}
	case err != nil:
		return err
	}
	if ev.Kind == EventEdited {
		return nil
	}
	// They wrote, so they can be reached: messages kept for their cases go out now.
	back := s.Unreachable || s.Seen.IsZero()
	s.Unreachable, s.Seen = false, f.Now()
	if a, ok := ParseData(ev.Data); ev.Kind != EventButton || !ok || a.Name != ActPage {
		s.Search = "" // only paging through the matches of a name needs the name
	}
	if ev.Kind == EventCommand || ev.Kind == EventButton || s.Writing != nil && f.Now().Sub(s.Writing.At) > writingPatience {
		s.Writing = nil // the words for a goal or step come next, or not at all
	}
	if d := s.Activity; d != nil && d.Waiting != "" && (ev.Kind == EventCommand || ev.Kind == EventButton || f.Now().Sub(d.At) > writingPatience) {
		// The title or place of an activity comes next, or not at all: a draft without its
		// title goes, one without its place waits for a button.
		if d.Waiting == waitTitle {
			s.Activity = nil
		} else {
			d.Waiting = ""
		}
	}
	lang := s.Lang
	if lang == "" {
		lang = f.Config.ManagerLanguage
	}
	t := &turn{tx: tx, ev: ev, lang: lang, staff: s}
	if err := f.staffEvent(t, s); err != nil {
		return err
	}
	if err := f.staffCommandMenu(tx, s, t.lang); err != nil {
		return err
	}
	if err := tx.PutStaff(s); err != nil {
		return err
	}
	if back {
		if err := f.flushKept(tx); err != nil {
			return err
		}
	}
	return t.finish()
}

func (f *Flows) staffEvent(t *turn, s *Staff) error {
	switch t.ev.Kind {
	case EventCommand:
		switch t.ev.Command {
		case "language":
			return t.show(f.languagePicker())
		case "help":
			return t.show(f.staffMenu().after(f.staffHelp(t.ev.UserID)...))
		case "start", "menu":
			return t.show(f.staffMenu().after(f.staffGreeting(t.ev.UserID)))
		case "today", "week":
			return f.staffDay(t, t.ev.Command)
		case "notices":
			return t.show(f.noticesScreen(s))
		case "book":
			return f.staffBookFor(t, t.ev.Text)
		case "visit":
			return f.visitCommand(t, t.ev.Text)
		case "invite":
			if label := strings.TrimSpace(t.ev.Text); label != "" {
				return f.staffHouseholdInvite(t, label)
			}
			return f.staffInvite(t)
		case "r":
			return f.writeTo(t)
		case "clients":
			return f.listCases(t)
		case "client":
			return f.profile(t, t.ev.Text)
		case "note":
			return f.addNote(t)
		case "plan":
			return f.staffPlan(t, t.ev.Text)
		case "goal":
			return f.addGoal(t)
		case "step":
			return f.addStep(t)
		case "away":
			return f.away(t, s)
		case "broadcast":
			return t.show(f.newsMenu())
		case "assign":
			return f.assign(t, s)
		case "stats":
			if !f.Config.IsAdmin(t.ev.UserID) {
				return t.show(f.staffMenu().after(Msg("NotUnderstood")))
			}
			if strings.TrimSpace(t.ev.Text) == "faq" {
				return f.faqStats(t)
			}
			return f.stats(t, t.ev.Text)
		case "team":
			return f.teamList(t)
		case "translate":
			return f.switchTranslation(t)
		case "audit":
			// The audit log names every case of the county: not for a commune's team lead.
			if _, county := f.Config.AdminCommunes(t.ev.UserID); !county {
				return t.show(f.staffMenu().after(Msg("StaffOnly")))
			}
			return f.auditLog(t)
		}
	case EventButton:
		a, ok := ParseData(t.ev.Data)
		switch {
		case ok && a.Name == ActLanguage:
			s.Lang, t.lang = a.Arg, a.Arg
			return t.show(f.staffMenu().after(Msg("LanguageSaved")))
		case ok && a.Name == ActMenu && a.Arg == ItemLanguage:
			return t.show(f.languagePicker())
		case ok && a.Name == ActMenu && a.Arg == ItemHelp:
			return t.show(f.staffMenu().after(f.staffHelp(t.ev.UserID)...))
		case ok && a.Name == ActMenu && a.Arg == ItemHome:
			return t.show(f.staffMenu())
		case ok && a.Name == ActMenu && (a.Arg == ItemToday || a.Arg == ItemWeek):
			return f.staffDay(t, a.Arg)
		case ok && a.Name == ActNotices:
			s.AnswerNotices = a.Arg == "on"
			return t.show(f.noticesScreen(s))
		case ok && a.Name == ActMenu && a.Arg == ItemBlock:
			return f.askBlock(t)
		case ok && a.Name == ActMenu && a.Arg == ItemInvite:
			return f.staffInvite(t)
		case ok && a.Name == ActMenu && a.Arg == ItemClients:
			return f.listCases(t)
		case ok && a.Name == ActMenu && a.Arg == ItemNews:
			return t.show(f.newsMenu())
		case ok && a.Name == ActCorrect:
			return f.correctButton(t, a.Arg)
		case ok && a.Name == ActTake:
			return f.takeButton(t, a.Arg)
		case ok && a.Name == ActProfile:
			return f.profile(t, a.Arg)
		case ok && a.Name == ActPlan:
			return f.staffPlan(t, a.Arg)
		case ok && (a.Name == ActRefer || a.Name == ActReferTo):
			return f.referButton(t, a)
		case ok && a.Name == ActHousehold:
			return f.staffHouseholdInvite(t, a.Arg)
		case ok && a.Name == ActPlanStatus:
			return f.planStatus(t, a.Arg)
		case ok && a.Name == ActPlanStepDone:
			return f.planStepDone(t, a.Arg)
		case ok && a.Name == ActPlanAgree:
			return f.offerPlan(t, a.Arg)
		case ok && (a.Name == ActPlanOwn || a.Name == ActPlanStep):
			return f.planDraftButton(t, a)
		case ok && (a.Name == ActPlanAdd || a.Name == ActPlanField || a.Name == ActPlanGoal || a.Name == ActPlanDate):
			return f.goalPicker(t, a)
		case ok && a.Name == ActTemplates:
			return f.templateMenu(t, a.Arg)
		case ok && a.Name == ActTemplate:
			return f.templateButton(t, a.Arg)
		case ok && a.Name == ActSendTo:
			return f.sendToButton(t, a.Arg)
		case ok && a.Name == ActActivity:
			return f.activityButton(t, a.Arg)
		case ok && (a.Name == ActNews || a.Name == ActNewsSend):
			return f.newsButton(t, a.Arg, a.Name == ActNewsSend)
		case ok && a.Name == ActPage:
			handled, err := f.staffPage(t, s, a.Arg)
			if err != nil || handled {
				return err
			}
		case ok && a.Name == ActAssign:
			handled, err := f.assignButton(t, a.Arg)
			if err != nil || handled {
				return err
			}
		case ok && a.Name == ActStandIn:
			handled, err := f.standInButton(t, s, a.Arg)
			if err != nil || handled {
				return err
			}
		case ok && a.Name == ActBookFor:
			handled, err := f.staffBook(t, a.Arg)
			if err != nil || handled {
				return err
			}
		case ok && (a.Name == ActVisit || a.Name == ActVisitDay || a.Name == ActVisitAt):
			handled, err := f.visitButton(t, a)
			if err != nil || handled {
				return err
			}
		case ok && a.Name == ActBlock:
			handled, err := f.blockDay(t, a.Arg)
			if err != nil || handled {
				return err
			}
		case ok && (a.Name == ActCame || a.Name == ActMissed):
			handled, err := f.mark(t, a.Arg, a.Name == ActCame)
			if err != nil || handled {
				return err
			}
		}
		return t.refuse(f.staffMenu())
	case EventText, EventMedia:
		return f.staffMessage(t)
	}
	return t.show(f.staffMenu().after(Msg("NotUnderstood")))
}

// staffPage shows another page of a staff member's list.
func (f *Flows) staffPage(t *turn, s *Staff, arg string) (handled bool, err error) {
	ref, _ := parsePage(arg)
	switch ref.list {
	case listSegments:
		return f.segmentPage(t, ref)
	case listAssign:
		return f.assignPage(t, s, ref)
	case listSubstitute:
		return f.standInPage(t, s, ref)
	case listStaffTimes:
		return f.staffTimesPage(t, ref)
	case listReferTo:
		return f.referPage(t, ref)
	}
	return false, nil
}

// staffHelp explains the staff commands; the appointment tools only to managers.
func (f *Flows) staffHelp(id int64) []Phrase {
	help := []Phrase{Msg("ManagerHelp", "Town", f.Config.Town)}
	if _, ok := f.Config.Manager(id); ok {
		help = append(help, Msg("ManagerHelpRelay"), Msg("ManagerHelpAppointments"), Msg("ManagerHelpNotices"), Msg("ManagerHelpVisit"), Msg("ManagerHelpPlan"), Msg("ManagerHelpHousehold"))
		if f.Config.Translation.On() {
			help = append(help, Msg("ManagerHelpTranslate"))
		}
	}
	if f.Config.IsAdmin(id) {
		help = append(help, Msg("AdminHelpAssign"), Msg("AdminHelpTeam"))
	}
	return help
}

// staffGreeting names the manager (or admin) and the town.
func (f *Flows) staffGreeting(id int64) Phrase {
	name := ""
	if m, ok := f.Config.Manager(id); ok {
		name = m.Name
	}
	if name == "" {
		return Msg("AdminWelcome", "Town", f.Config.Town)
	}
	return Msg("ManagerWelcome", "Name", name, "Town", f.Config.Town)
}

// staffMenu is the staff's main menu. Later features add their tools here.
func (f *Flows) staffMenu() screen {
	return screen{
		text: []Phrase{Msg("MenuPrompt")},
		buttons: [][]Button{
			{{Label: Msg("StaffClientsButton"), Data: Data(ActMenu, ItemClients)}, {Label: Msg("StaffBroadcastButton"), Data: Data(ActMenu, ItemNews)}},
			{{Label: Msg("StaffToday"), Data: Data(ActMenu, ItemToday)}, {Label: Msg("StaffWeek"), Data: Data(ActMenu, ItemWeek)}},
			{{Label: Msg("StaffBlock"), Data: Data(ActMenu, ItemBlock)}, {Label: Msg("StaffInviteButton"), Data: Data(ActMenu, ItemInvite)}},
			{{Label: Msg("MenuLanguage"), Data: Data(ActMenu, ItemLanguage)}, {Label: Msg("MenuHelp"), Data: Data(ActMenu, ItemHelp)}},
		},
	}
}

// staffDay lists a manager's appointments of today ("today") or of the next seven days
// ("week").
func (f *Flows) staffDay(t *turn, period string) error {
	now := f.Now().In(f.Config.location())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	if period == ItemWeek {
		return f.staffAppointments(t, "StaffWeek", today, today.AddDate(0, 0, 7))
	}
	return f.staffAppointments(t, "StaffToday", today, today.AddDate(0, 0, 1))
}

// askBlock offers a manager the coming days to block.
func (f *Flows) askBlock(t *turn) error {
	if _, ok := f.Config.Manager(t.ev.UserID); !ok {
		return t.refuse(f.staffMenu())
	}
	now := f.Now().In(f.Config.location())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	s := screen{text: []Phrase{Msg("StaffBlockAsk")}}
	var row []Button
	for i := 0; i <= f.Config.Booking.DaysAhead; i++ {
		day := today.AddDate(0, 0, i)
		row = append(row, Button{Label: Join(" ", weekday(day), Number(day.Format("02.01."))), Data: Data(ActBlock, day.Format("20060102"))})
		if len(row) == 3 {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	if len(row) > 0 {
		s.buttons = append(s.buttons, row)
	}
	s.buttons = append(s.buttons, []Button{backButton()})
	return t.show(s)
}

// blockDay blocks a day for the manager: no more bookings, and the clients booked that day
// are told in their language, offered another time, and sent the file that takes the
// appointment out of their phone's calendar.
func (f *Flows) blockDay(t *turn, arg string) (handled bool, err error) {
	manager := t.ev.UserID
	if _, ok := f.Config.Manager(manager); !ok {
		return false, nil
	}
	loc := f.Config.location()
	day, err := time.ParseInLocation("20060102", arg, loc)
	now := f.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if err != nil || day.Before(today) || day.After(today.AddDate(0, 0, f.Config.Booking.DaysAhead)) {
		return false, nil
	}
	if err := t.tx.BlockDay(manager, arg); err != nil {
		return true, err
	}
	appts, err := t.tx.ManagerAppointments(manager, day, day.AddDate(0, 0, 1))
	if err != nil {
		return true, err
	}
	told := 0
	for _, a := range appts {
		if a.Status != StatusBooked || !a.Start.After(f.Now()) || a.IsVisit() {
			continue // a home visit is arranged with the client, not in office hours
		}
		c, err := t.tx.Client(a.Client)
		if err != nil {
			return true, err
		}
		cancel := f.calendarCancel(c, a)
		if err := f.setStatus(t.tx, a, StatusCancelled); err != nil {
			return true, err
		}
		if c.Unreachable {
			continue
		}
		if err := t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend,
			Text:    []Phrase{{ID: "ApptCancelledByManager", Sub: map[string]Phrase{"When": f.when(a.Start)}}},
			Buttons: [][]Button{{{Label: Msg("ApptBook"), Data: Data(ActBook)}}, {backButton()}},
		}); err != nil {
			return true, err
		}
		if err := t.tx.Send(cancel); err != nil {
			return true, err
		}
		told++
	}
	done := Phrase{ID: "StaffBlocked", Count: told, Plural: true, Sub: map[string]Phrase{"Day": Join(", ", weekday(day), Number(day.Format("02.01.2006")))}}
	return true, t.show(f.staffMenu().after(done))
}
