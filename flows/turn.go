package flows

// screen is what the bot shows at a step: text and buttons, in one language.
type screen struct {
	text    []Phrase
	buttons [][]Button
	// step is the client's step whose question the screen asks, "" for other screens.
	step Step
}

// withRow returns the screen with a row of buttons added below.
func (s screen) withRow(row []Button) screen {
	s.buttons = append(s.buttons, row)
	return s
}

// after returns the screen with notes put before its text.
func (s screen) after(notes ...Phrase) screen {
	s.text = append(append([]Phrase{}, notes...), s.text...)
	return s
}

// turn collects the bot's answer to one event.
type turn struct {
	tx       Tx
	ev       Event
	lang     string
	answered bool
	erased   bool   // the person's data was erased: nothing of them may be stored again
	staff    *Staff // the staff member's record in a staff turn, stored after it
	// notes go before the text of the next screen shown, e.g. "language saved" above a
	// screen shown again in the new language; reshow marks that turn, which only shows.
	notes  []Phrase
	reshow bool
	// refused is set when a button was refused: the screen it asked for was not shown.
	refused bool
}

// show puts a screen in front of the person: a button press replaces the message that had
// the button, so pressing through menus does not flood the chat; anything else gets a new
// message.
func (t *turn) show(s screen) error {
	if len(t.notes) > 0 {
		s, t.notes = s.after(t.notes...), nil
	}
	if t.ev.Kind != EventButton || t.ev.MessageID == 0 {
		return t.showNew(s)
	}
	if err := t.answer(); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: t.ev.UserID, Lang: t.lang, Kind: OutEdit, EditID: t.ev.MessageID, Text: s.text, Buttons: s.buttons, Step: s.step})
}

// showNew puts a screen in front of the person as a new message, e.g. below an old message
// whose buttons no longer apply.
func (t *turn) showNew(s screen) error {
	if len(t.notes) > 0 {
		s, t.notes = s.after(t.notes...), nil
	}
	if err := t.answer(); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: t.ev.UserID, Lang: t.lang, Kind: OutSend, Text: s.text, Buttons: s.buttons, Step: s.step})
}

// refuse answers a button that is forged, outdated or not for this step with a short
// "no longer valid" pop-up, and shows the screen that applies now as a new message.
func (t *turn) refuse(now screen) error {
	t.refused = true
	if err := t.answer(Msg("ButtonExpired")); err != nil {
		return err
	}
	return t.showNew(now)
}

// answer answers the button press, with an optional short pop-up.
func (t *turn) answer(popup ...Phrase) error {
	if t.ev.Kind != EventButton || t.answered {
		return nil
	}
	t.answered = true
	return t.tx.Send(Outgoing{Chat: t.ev.UserID, Lang: t.lang, Kind: OutAnswer, CallbackID: t.ev.CallbackID, Text: popup})
}

// finish answers a button press that nothing answered yet, so its spinner stops.
func (t *turn) finish() error { return t.answer() }
