package flows

// EventKind says what a person did.
type EventKind int

// The kinds of events flows handle.
const (
	EventText    EventKind = iota + 1 // a text message that is not a command
	EventCommand                      // a /command, possibly with arguments
	EventButton                       // an inline button was pressed
	EventMedia                        // a sticker, photo, voice note, document…
	EventEdited                       // a message was edited
)

// Event is one thing a person did in a private chat with the bot, stripped of everything
// Telegram-specific that flows do not need.
type Event struct {
	Kind         EventKind
	UserID       int64  // Telegram user id; equals the private chat's id
	LanguageCode string // the phone's interface language as Telegram reports it; a hint only
	MessageID    int    // the message sent, or the bot message whose button was pressed
	Text         string // the text, or the command's arguments
	Command      string // for EventCommand: the command without "/" and "@bot", lower case
	Data         string // for EventButton: the raw callback data, untrusted
	CallbackID   string // for EventButton: to answer the button press
}

// Outgoing is one message (or edit, or answer to a button press) for one chat. It carries
// message ids and values, never translated text: the edge renders it in Lang when it sends.
type Outgoing struct {
	Chat    int64
	Lang    string // language option of the recipient
	Kind    OutKind
	Text    []Phrase   // paragraphs, joined by a blank line
	Inline  bool       // join Text on one line instead
	Buttons [][]Button // inline keyboard rows
	EditID  int        // for OutEdit: the bot message to replace
	// For OutAnswer: the button press to answer; Text (optional) becomes a short pop-up.
	CallbackID string
}

// OutKind says how an Outgoing reaches the chat.
type OutKind int

// The kinds of outgoing messages.
const (
	OutSend   OutKind = iota + 1 // a new message
	OutEdit                      // replace the text and buttons of EditID
	OutAnswer                    // answer a button press (stops the button's spinner)
)

// Phrase is one piece of text: a catalog message with its values, or a literal that is the
// same in every language (a language's own name, a place name from the configuration).
type Phrase struct {
	ID      string            // catalog message id
	Args    map[string]string // template values; isolated in right-to-left text
	Count   int               // for plural messages
	Plural  bool              // whether Count selects the plural form
	Lang    string            // render in this language instead of the recipient's
	Literal string            // used as is when ID is empty
}

// Button is an inline button: a label and either callback data or a link.
type Button struct {
	Label Phrase
	Data  string
	URL   string
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
func Literal(s string) Phrase { return Phrase{Literal: s} }
