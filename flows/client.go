package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Step is where a client is in the conversation; prompts are re-shown from it after /help or
// a language change.
type Step string

// The steps of first contact and the menu.
const (
	StepLanguage Step = "language" // choosing or confirming a language
	StepConsent  Step = "consent"  // reading the privacy notice
	StepMenu     Step = "menu"     // free to use the bot
	StepFAQ      Step = "faq"      // reading questions and answers: text searches them
	StepDistrict Step = "district" // after consent: where the client lives
	StepCommune  Step = "commune"  // after consent, in a county of several communes: which one
)

// Client is what Lotse stores about a refugee who writes to the bot: the minimum needed to
// talk to them in their language and to know whether they consented. No names, no phone
// numbers, no message content.
type Client struct {
	ID          int64     `json:"id"`             // Telegram user id = private chat id
	Lang        string    `json:"lang,omitempty"` // chosen language option; "" until chosen
	Step        Step      `json:"step"`
	ConsentAt   time.Time `json:"consent_at,omitzero"`  // when the privacy notice was accepted
	DeclinedAt  time.Time `json:"declined_at,omitzero"` // when consent was refused or withdrawn
	Invite      string    `json:"invite,omitempty"`     // invite token from a deep link, kept for assignment
	Case        int       `json:"case,omitempty"`       // case number, shown to managers as K-0042
	Manager     int64     `json:"manager,omitempty"`    // the assigned manager's Telegram id, 0 for none
	District    string    `json:"district,omitempty"`   // district or housing site id, chosen after consent
	Commune     string    `json:"commune,omitempty"`    // commune id in a county of several, chosen after consent
	Unreachable bool      `json:"unreachable,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`

	// Topic is the FAQ topic of "talk to my manager about this", named in the next header.
	Topic string `json:"topic,omitempty"`
	// RelayAt is when the client last wrote to their manager, RelayTo who got it: a message
	// within the burst window to the same people goes under the same header.
	RelayAt time.Time `json:"relay_at,omitzero"`
	RelayTo []int64   `json:"relay_to,omitempty"`
	// Headed are the staff members who got a header in this burst; Ack is the note the
	// client gets once the first copy of the burst arrived.
	Headed []int64  `json:"headed,omitempty"`
	Ack    []Phrase `json:"ack,omitempty"`
	// WaitingSince is when the client's oldest unanswered message arrived.
	WaitingSince time.Time `json:"waiting_since,omitzero"`
	// FloodFrom and FloodCount count the client's messages in the current minute.
	FloodFrom  time.Time `json:"flood_from,omitzero"`
	FloodCount int       `json:"flood_count,omitempty"`
	// Interpreter is set when the client said they need an interpreter for their language,
	// so that the next booking starts from it; they change it with every answer.
	Interpreter bool `json:"interpreter,omitempty"`
	// Search is what the client typed at the district or commune question while its matches fill more
	// than one page, so that their paging buttons find them again; cleared after the question.
	Search string `json:"search,omitempty"`
	// NoTranslation is set when the client does not want their messages machine-translated;
	// TranslationOff when a manager turned translation off for the case; MTMissingNoticed
	// once the managers were told that the engine lacks the client's language.
	NoTranslation    bool `json:"no_mt,omitempty"`
	TranslationOff   bool `json:"mt_off,omitempty"`
	MTMissingNoticed bool `json:"mt_missing,omitempty"`
	// ConsentNotice is the version of the privacy notice the client accepted.
	ConsentNotice string `json:"consent_notice,omitempty"`
	// NoNews is set when the client turned group news off.
	NoNews bool `json:"no_news,omitempty"`
	// Notes are the managers' short case notes.
	Notes []Note `json:"notes,omitempty"`

	// A household is one case of several people, each with their own chat and language.
	// Its first member holds the case: the case number maps to them, their record keeps the
	// notes and the plan is filed under their id, and Members lists the others in the order
	// they joined. A member's Holder names the holder. Every record of a household carries
	// the case's manager, district, commune and translation setting (see saveClient).
	Holder  int64   `json:"holder,omitempty"`
	Members []int64 `json:"members,omitempty"`
	// Relation is how a member is related to the one who invited them (a relation id);
	// Name is the first name Telegram gives for a household's members, so that the team can
	// tell them apart.
	Relation string `json:"relation,omitempty"`
	Name     string `json:"name,omitempty"`
	// Served is the last month (2006-01) the client was counted as served, CaseServed on the
	// holder's record the last month their case was: the report counts each once a month.
	Served     string `json:"served,omitempty"`
	CaseServed string `json:"case_served,omitempty"`
	// BookStep is the plan step ("1.2") the booking under way is about, "" for none.
	BookStep string `json:"book_step,omitempty"`
	// Moving is the appointment the client asked to move ("another time"), "" for none: the
	// next one they book takes its place in their phone's calendar.
	Moving string `json:"moving,omitempty"`
	// Menu names the command menu last set in the client's chat (see setMenu).
	Menu string `json:"menu,omitempty"`
	// Screen is the button data of the last screen the client looked at, so that a
	// language switch can show it again in the new language; "" after anything else.
	Screen string `json:"screen,omitempty"`
}

// Note is a manager's short note on a case.
type Note struct {
	At   time.Time `json:"at"`
	By   int64     `json:"by"`
	Text string    `json:"text"`
}

// decided reports whether the client answered the privacy notice, either way: from then on
// the menu and the FAQ are theirs.
func (c *Client) decided() bool {
	return c.Step == StepMenu || c.Step == StepFAQ || c.Step == StepDistrict || c.Step == StepCommune
}

// CaseLabel is how managers refer to a client without seeing their name or Telegram id.
func (c *Client) CaseLabel() string { return fmt.Sprintf("K-%04d", c.Case) }

// ParseCaseLabel reads a case label like "K-0042" or "k42"; ok is false for anything else.
func ParseCaseLabel(s string) (int, bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "K"), "-")
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0 && n < 1e9
}

// Consented reports whether the client accepted the privacy notice and did not withdraw.
func (c *Client) Consented() bool { return !c.ConsentAt.IsZero() }

// Staff is what Lotse stores about a manager or admin beyond the configuration: the language
// of their screens, if they picked one.
type Staff struct {
	ID   int64  `json:"id"`
	Lang string `json:"lang,omitempty"`
	// Away is the manager's absence, nil when there is none.
	Away *Away `json:"away,omitempty"`
	// Unreachable is set when the person cannot receive messages from the bot (blocked it,
	// never opened it); their clients' messages go to colleagues until they write again.
	Unreachable bool `json:"unreachable,omitempty"`
	// Seen is when the person last wrote to the bot: zero for someone who never opened it.
	Seen time.Time `json:"seen,omitzero"`
	// Draft is a manager's text written without replying, kept until they say for which
	// case it is, so that it can be translated for the client; nil for none.
	Draft *Draft `json:"draft,omitempty"`
	// Search is the name typed with /assign or /away while its matches fill more than one
	// page, so that their paging buttons find them again.
	Search string `json:"search,omitempty"`
	// Writing is a goal or step put together with buttons that waits for the manager's
	// words, nil for none.
	Writing *PlanDraft `json:"writing,omitempty"`
	// AnswerNotices is set when the manager wants one short message for each answer a
	// client gives to an appointment ("I'll come", "another time", cancelled).
	AnswerNotices bool `json:"answer_notices,omitempty"`
	// Menu names the command menu last set in the person's chat (see setMenu).
	Menu string `json:"menu,omitempty"`
	// Activity is a group activity being put together with buttons, nil for none.
	Activity *Activity `json:"activity,omitempty"`
}

// Draft is a manager's message whose case is still to be chosen.
type Draft struct {
	Message int    `json:"msg"`
	Text    string `json:"text,omitempty"`
}

// Away is an absence: from the start of From to the end of To, both days 20060102 in the
// town's time zone.
type Away struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Substitute int64  `json:"substitute,omitempty"`
}

// Broadcast is one round of group news, counted as its messages are delivered.
type Broadcast struct {
	ID       string    `json:"id"`
	Sender   int64     `json:"sender"`
	Progress int       `json:"progress"` // the sender's message that shows the progress
	Count    int       `json:"count"`
	Sent     int       `json:"sent"`
	Failed   int       `json:"failed"`
	At       time.Time `json:"at"`
}

// Invite is a one-time invitation a manager hands a new client as a deep link or QR code:
// whoever opens it first, and consents, becomes the manager's client.
type Invite struct {
	Token   string    `json:"token"`
	Manager int64     `json:"manager"`
	Expires time.Time `json:"expires"`
	UsedBy  int64     `json:"used_by,omitempty"`
	// Case is set for an invitation into a household: who opens it joins that case as a
	// family member with Relation; By is the client who made it (0 for a manager).
	Case     int    `json:"case,omitempty"`
	Relation string `json:"relation,omitempty"`
	By       int64  `json:"by,omitempty"`
}
