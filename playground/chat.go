package playground

import (
	"fmt"
	"net/http"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// chatView is a person's chat as the page shows it.
type chatView struct {
	Person   Person        `json:"person"`
	Messages []messageView `json:"messages"`
}

// messageView is one message of a chat. The page keeps each message's bubble by its id, so
// an edit by the bot changes the bubble in place, as on a phone.
type messageView struct {
	ID   int    `json:"id"`
	From string `json:"from"` // "bot" or "user"
	// Kind is text, photo, document, sticker, voice, audio, video, video_note, location or
	// contact; a copy shows as the kind it copies. The page copes with kinds it does not know.
	Kind    string         `json:"kind"`
	Text    string         `json:"text,omitempty"`
	Buttons [][]buttonView `json:"buttons,omitempty"`
	ReplyTo int            `json:"replyTo,omitempty"`
	Edited  bool           `json:"edited,omitempty"`
	Time    string         `json:"time"` // on the bot's clock, in the town's zone: "14:05"
	Day     string         `json:"day"`  // "Mon 2 Mar 2026"
	File    *fileView      `json:"file,omitempty"`
	// Reactions are the emojis the bot put on the message, e.g. 👍 on a manager's answer that
	// reached the client.
	Reactions []string      `json:"reactions,omitempty"`
	Location  *locationView `json:"location,omitempty"`
	Contact   *contactView  `json:"contact,omitempty"`
}

// buttonView is an inline keyboard button.
type buttonView struct {
	Text string `json:"text"`
	Data string `json:"data,omitempty"` // callback data, for pressing it
	URL  string `json:"url,omitempty"`
}

// locationView is the point a location message shares.
type locationView struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// contactView is the contact a contact message shares.
type contactView struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// fileView is the file a message carries.
type fileView struct {
	Name    string `json:"name,omitempty"`
	URL     string `json:"url"`
	Picture bool   `json:"picture"`
}

func (h *Handler) chatView(p Person, log []fakeapi.Message) chatView {
	out := chatView{Person: p, Messages: make([]messageView, 0, len(log))}
	for _, m := range log {
		at := h.clock.At(m.Date).In(h.loc)
		v := messageView{
			ID:      m.ID,
			From:    m.From,
			Kind:    m.Kind,
			Text:    m.PlainText,
			ReplyTo: m.ReplyTo,
			Edited:  m.Edited,
			Time:    at.Format("15:04"),
			Day:     at.Format("Mon 2 Jan 2006"),
		}
		if m.Kind == "copy" && m.CopyOf != "" {
			// The manager sees a relayed message as what it is, not as a copy.
			v.Kind = m.CopyOf
		}
		if len(m.Reactions) > 0 {
			v.Reactions = append([]string(nil), m.Reactions...)
		}
		switch v.Kind {
		case "location":
			v.Location = &locationView{Latitude: m.Latitude, Longitude: m.Longitude}
		case "contact":
			v.Contact = &contactView{Name: m.ContactName, Phone: m.PhoneNumber}
		}
		for _, row := range m.Buttons {
			r := make([]buttonView, 0, len(row))
			for _, b := range row {
				r = append(r, buttonView{Text: b.Text, Data: b.Data, URL: b.URL})
			}
			v.Buttons = append(v.Buttons, r)
		}
		if len(m.FileData) > 0 {
			v.File = &fileView{
				Name:    m.FileName,
				URL:     fmt.Sprintf("/api/people/%d/files/%d", p.ID, m.ID),
				Picture: v.Kind == "photo" && isPicture(http.DetectContentType(m.FileData)),
			}
		}
		out.Messages = append(out.Messages, v)
	}
	return out
}
