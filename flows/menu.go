package flows

// menu is the client's main menu; in a county of several communes, a client who moved tells
// it there.
func (f *Flows) menu() screen {
	first := []Button{{Label: Msg("MenuFAQ"), Data: Data(ActFAQ)}}
	if len(f.Config.Services) > 0 {
		first = append(first, Button{Label: Msg("MenuServices"), Data: Data(ActServices)})
	}
	s := screen{
		text: []Phrase{Msg("MenuPrompt")},
		buttons: [][]Button{
			first,
			{{Label: Msg("MenuAppointments"), Data: Data(ActAppts)}},
			{{Label: Msg("MenuPlan"), Data: Data(ActMenu, ItemPlan)}, {Label: Msg("MenuFamily"), Data: Data(ActFamily)}},
			{{Label: Msg("MenuWrite"), Data: Data(ActWrite)}},
			{{Label: Msg("MenuLanguage"), Data: Data(ActMenu, ItemLanguage)}, {Label: Msg("MenuPrivacy"), Data: Data(ActMenu, ItemPrivacy)}},
			{{Label: Msg("MenuHelp"), Data: Data(ActMenu, ItemHelp)}},
		},
	}
	if len(f.Config.Communes) > 1 {
		last := len(s.buttons) - 1
		s.buttons[last] = append(s.buttons[last], Button{Label: Msg("MenuMoved"), Data: Data(ActCommune)})
	}
	return s
}

// privacyScreen shows whether the client consented, the notice, and the button to change it.
func (f *Flows) privacyScreen(c *Client) screen {
	status, change := Msg("PrivacyStatusMissing"), Button{Label: Msg("PrivacyAccept"), Data: Data(ActConsent, "yes")}
	if c.Consented() {
		status, change = Msg("PrivacyStatusGiven"), Button{Label: Msg("PrivacyWithdraw"), Data: Data(ActConsent, "no")}
	}
	buttons := [][]Button{{change}}
	if c.NoNews {
		buttons = append(buttons, []Button{{Label: Msg("BroadcastOptIn"), Data: Data(ActNewsOff, "on")}})
	}
	return screen{
		text:    append([]Phrase{status}, f.privacyNotice()...),
		buttons: append(buttons, []Button{backButton()}),
	}
}

func backButton() Button {
	return Button{Label: Msg("MenuBack"), Data: Data(ActMenu, ItemHome)}
}
