package flows

import "time"

// dayPicker offers the coming days: for office hours, the days the manager holds them.
func (f *Flows) dayPicker(action, prefix string, officeHours bool, manager int64) screen {
	loc := f.Config.location()
	now := f.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	horizon := f.Config.Booking.DaysAhead
	held := map[string]bool{}
	if officeHours {
		for _, s := range f.Config.Slots(today, today.AddDate(0, 0, horizon+1), manager) {
			held[s.Start.In(loc).Format("20060102")] = true
		}
		if len(held) == 0 {
			for _, s := range f.Config.Slots(today, today.AddDate(0, 0, horizon+1)) {
				held[s.Start.In(loc).Format("20060102")] = true
			}
		}
	}
	s := screen{text: []Phrase{Msg("StaffTemplateDate")}}
	var row []Button
	for i := 0; i <= horizon; i++ {
		day := today.AddDate(0, 0, i)
		key := day.Format("20060102")
		if officeHours && !held[key] || !officeHours && (day.Weekday() == time.Saturday || day.Weekday() == time.Sunday) {
			continue
		}
		row = append(row, Button{Label: Join(" ", weekday(day), Number(day.Format("02.01."))), Data: Data(action, prefix+key)})
		if len(row) == 3 {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	if len(row) > 0 {
		s.buttons = append(s.buttons, row)
	}
	return s
}

// pickedDay reads a day from button data: today or up to a year ahead.
func (f *Flows) pickedDay(s string) (time.Time, bool) {
	loc := f.Config.location()
	day, err := time.ParseInLocation("20060102", s, loc)
	now := f.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	return day, err == nil && !day.Before(today) && day.Before(today.AddDate(1, 0, 0))
}
