package flows

import "time"

// EventKind says what a person did.
type EventKind int

// The kinds of events flows handle.
const (
	EventText    EventKind = iota + 1 // a text message that is not a command
	EventCommand                      // a /command, possibly with arguments
	EventButton                       // an inline button was pressed
	EventMedia                        // a sticker, photo, voice note, document…
	EventEdited                       // a message was edited
	// EventReach: the person blocked the bot (Text "kicked") or unblocked it ("member").
	EventReach
)

// Event is one thing a person did in a private chat with the bot, stripped of everything
// Telegram-specific that flows do not need.
type Event struct {
	Kind         EventKind
	UserID       int64  // Telegram user id; equals the private chat's id
	LanguageCode string // the phone's interface language as Telegram reports it; a hint only
	FirstName    string // the first name the person gave Telegram; shown to their manager, stored only for a household's members
	MessageID    int    // the message sent, or the bot message whose button was pressed
	ReplyTo      int    // the message of the same chat this one replies to, 0 for none
	Text         string // the text or caption, or the command's arguments
	Media        string // for EventMedia: photo, document, voice, audio, video, video_note, location, contact, sticker; "" for other kinds
	MediaGroup   string // the album a photo or video belongs to
	Command      string // for EventCommand: the command without "/" and "@bot", lower case
	Data         string // for EventButton: the raw callback data, untrusted
	CallbackID   string // for EventButton: to answer the button press
}

// Outgoing is one message (or edit, or answer to a button press) for one chat. It carries
// message ids and values, never translated text: the edge renders it in Lang when it sends.
type Outgoing struct {
	Chat    int64      `json:"chat"`
	Lang    string     `json:"lang,omitempty"` // language option of the recipient
	Kind    OutKind    `json:"kind"`
	Text    []Phrase   `json:"text,omitempty"`    // paragraphs, joined by a blank line
	Buttons [][]Button `json:"buttons,omitempty"` // inline keyboard rows
	EditID  int        `json:"edit,omitempty"`    // for OutEdit: the bot message to replace
	// For OutAnswer: the button press to answer; Text (optional) becomes a short pop-up.
	CallbackID string `json:"callback,omitempty"`
	// Sent counts the parts of a long text already delivered, so a restart sends the rest.
	Sent int `json:"sent,omitempty"`
	// Scheduled is set on what the scheduler sends (Tick): it waits behind answers and
	// relays.
	Scheduled bool `json:"scheduled,omitempty"`
	// Event, for OutCalendar: the appointment to send as an iCalendar file; Text is the
	// caption.
	Event *CalendarEvent `json:"event,omitempty"`
	// Invite, for OutInviteQR: the invitation token.
	Invite string `json:"invite,omitempty"`
	// For OutCopy: the message to copy; for OutReact: the message to react to (in Chat).
	FromChat  int64 `json:"from,omitempty"`
	MessageID int   `json:"msg,omitempty"`
	// ReplyTo makes the message a reply to a message of Chat, if it still exists.
	ReplyTo int `json:"reply,omitempty"`
	// Relay marks a message that belongs to a client's case: when it is delivered, the edge
	// records which client its message id stands for, so that a manager's reply to it
	// reaches that client.
	Relay *RelayRef `json:"relay,omitempty"`
	// Then is sent once this message was delivered; Else, instead, when Telegram refused it
	// for good (the recipient blocked the bot, or the message cannot be sent).
	Then []Outgoing `json:"then,omitempty"`
	Else []Outgoing `json:"else,omitempty"`
	// Broadcast counts a delivered group news message towards broadcast ID.
	Broadcast string `json:"bc,omitempty"`
	// Queued is when the message entered the outbox; the store sets it.
	Queued time.Time `json:"queued,omitzero"`
	// Step, for a screen that asks the question of a client's step, names the step. Should
	// Telegram refuse the screen, the client must not stay at a question they never see,
	// answering every message with the same refused screen (see Settled).
	Step Step `json:"step,omitempty"`
	// Translate, for OutTranslate: the text to translate and whom it is for.
	Translate *TranslateJob `json:"tr,omitempty"`
	// ReplyToDelivered, on a message in Then, makes it a reply to the message whose delivery
	// sent it (e.g. a translation under the copy it translates).
	ReplyToDelivered bool `json:"reply_prev,omitempty"`
	// Quote is shown under Text as a collapsed quote, as written: the original of a
	// translation.
	Quote string `json:"quote,omitempty"`
	// File and FileName, for OutDocument: the document to send.
	File     []byte `json:"file,omitempty"`
	FileName string `json:"file_name,omitempty"`
	// Body, for OutDocument instead of File: a document to read, rendered in the
	// recipient's language as plain text, paragraphs joined by a blank line.
	Body []Phrase `json:"body,omitempty"`
	// Commands, for OutCommands: the chat's command menu, in its order.
	Commands []Command `json:"cmds,omitempty"`
}

// RelayRef ties a message in a manager's chat to a client's case.
type RelayRef struct {
	Client int64 `json:"client"`
	// Source is the client's message this is a copy of; 0 for a header or notice.
	Source int `json:"src,omitempty"`
	// Header is, for a header, the client's message it introduces; Intake marks a header
	// that offers "take case".
	Header int  `json:"hdr,omitempty"`
	Intake bool `json:"intake,omitempty"`
	// Correction marks the prompt for a correction of a translated message: a reply to it
	// reaches the client as a correction.
	Correction bool `json:"corr,omitempty"`
	// At is when the message was relayed, for the retention.
	At time.Time `json:"at,omitzero"`
}

// CalendarEvent is what a calendar file says about an appointment. The edge renders the
// title in the recipient's language.
type CalendarEvent struct {
	UID     string    `json:"uid"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Title   Phrase    `json:"title"`
	Place   string    `json:"place"`
	Created time.Time `json:"created"`
	// Notes become the event's description, one line each, in the recipient's language.
	Notes []Phrase `json:"notes,omitempty"`
	// Sequence is the event's revision: 0 when first sent, higher for each change.
	Sequence int `json:"seq,omitempty"`
	// Cancel makes the file a cancellation of the event (METHOD:CANCEL) instead of its
	// publication.
	Cancel bool `json:"cancel,omitempty"`
}

// OutKind says how an Outgoing reaches the chat.
type OutKind int

// The kinds of outgoing messages.
const (
	OutSend      OutKind = iota + 1 // a new message
	OutEdit                         // replace the text and buttons of EditID
	OutAnswer                       // answer a button press (stops the button's spinner)
	OutCalendar                     // send Event as an .ics file
	OutInviteQR                     // send the QR code of invitation Invite; Text is the caption
	OutCopy                         // copy message MessageID of chat FromChat into Chat
	OutReact                        // put the reaction Text (one emoji literal) on MessageID of Chat
	OutDocument                     // send File (or Body, rendered) as a document named FileName; Text is the caption
	OutTranslate                    // ask the engine to translate Translate; what follows is up to flows
	OutExport                       // send Chat's data as documents, built when sent (Flows.Export); Sent counts those delivered
	OutCommands                     // set Commands, described in Lang, as the command menu of Chat
)

// Phrase is one piece of text: a catalog message with its values, a literal that is the
// same in every language (a language's own name), or content the edge looks up in the
// recipient's language (an FAQ entry, the office hours).
type Phrase struct {
	ID      string            `json:"id,omitempty"`   // catalog message id, or the FAQ entry for Kind
	Kind    string            `json:"kind,omitempty"` // "" for a catalog message, else one of the Phrase* kinds
	Args    map[string]string `json:"args,omitempty"` // template values; isolated in right-to-left text
	Sub     map[string]Phrase `json:"sub,omitempty"`  // template values rendered in the same language
	Count   int               `json:"count,omitempty"`
	Plural  bool              `json:"plural,omitempty"` // whether Count selects the plural form
	Lang    string            `json:"lang,omitempty"`   // render in this language instead of the recipient's
	Literal string            `json:"literal,omitempty"`
	Parts   []Phrase          `json:"parts,omitempty"` // for PhraseJoin: rendered and joined by Literal
}

// Kinds of phrases that are not catalog messages.
const (
	PhraseLiteral     = "literal"      // Literal, as is
	PhraseTopic       = "topic"        // the title of FAQ topic ID
	PhraseQuestion    = "question"     // the question of FAQ question ID
	PhraseAnswer      = "answer"       // the answer of FAQ question ID, with the local values of commune Literal
	PhraseOfficeHours = "office_hours" // the office hours of commune Literal ("" for all), one line each
	PhraseJoin        = "join"         // Parts joined by Literal
	PhraseNumber      = "number"       // Literal, a date, time or count, in the language's digits
	PhraseInviteLink  = "invite_link"  // the deep link of invitation token Literal
)

// Button is an inline button: a label and either callback data or a link.
type Button struct {
	Label Phrase `json:"label"`
	Data  string `json:"data,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Msg returns a phrase for catalog message id with alternating key, value arguments.
func Msg(id string, kv ...string) Phrase {
	p := Phrase{ID: id}
	if len(kv) > 0 {
		p.Args = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			p.Args[kv[i]] = kv[i+1]
		}
	}
	return p
}

// Plural returns a phrase whose plural form is chosen by count.
func Plural(id string, count int) Phrase {
	return Phrase{ID: id, Count: count, Plural: true}
}

// Literal returns a phrase shown as is in every language.
func Literal(s string) Phrase { return Phrase{Kind: PhraseLiteral, Literal: s} }

// Number returns a phrase for a date, time or count, written in the recipient's digits.
func Number(s string) Phrase { return Phrase{Kind: PhraseNumber, Literal: s} }

// Join returns a phrase made of parts joined by sep.
func Join(sep string, parts ...Phrase) Phrase {
	return Phrase{Kind: PhraseJoin, Literal: sep, Parts: parts}
}

// Content returns a phrase that shows FAQ or configuration content of the given kind.
func Content(kind, id string) Phrase { return Phrase{Kind: kind, ID: id} }
