package flows

import "strings"

// Command is one entry of a Telegram command menu: the command without "/" and the catalog
// message that describes it.
type Command struct {
	Name string `json:"name"`
	Msg  string `json:"msg"`
}

// ClientCommands is the command menu of a client, and of everyone who has not picked a
// language yet: the menu, the FAQ, the language, and the privacy commands, so that a client
// finds how to see and delete their data without asking.
var ClientCommands = []Command{
	{"start", "CommandStart"}, {"menu", "CommandMenu"}, {"faq", "CommandFAQ"}, {"language", "CommandLanguage"},
	{"privacy", "CommandPrivacy"}, {"mydata", "CommandMyData"}, {"delete", "CommandDelete"}, {"help", "CommandHelp"},
}

// staffCommands are the staff commands a menu may list, in its order, each with who may
// use it. Commands that need an argument (/r, /client, /note, /book …) are left out: picked
// from the menu they would only answer with how to use them.
var staffCommands = []struct {
	Command
	who staffRole
}{
	{Command{"menu", "CommandMenu"}, anyStaff},
	{Command{"today", "CommandToday"}, managers},
	{Command{"week", "CommandWeek"}, managers},
	{Command{"clients", "CommandClients"}, anyStaff},
	{Command{"invite", "CommandInvite"}, managers},
	{Command{"away", "CommandAway"}, managers},
	{Command{"notices", "CommandNotices"}, managers},
	{Command{"broadcast", "CommandBroadcast"}, anyStaff},
	{Command{"team", "CommandTeam"}, admins},
	{Command{"stats", "CommandStats"}, admins},
	{Command{"audit", "CommandAudit"}, countyAdmins},
	{Command{"language", "CommandLanguage"}, anyStaff},
	{Command{"help", "CommandHelp"}, anyStaff},
}

// staffRole says which staff members may use a command.
type staffRole int

const (
	anyStaff     staffRole = iota
	managers               // managers of cases
	admins                 // team leads, of the county or of a commune
	countyAdmins           // team leads of the whole county
)

// StaffCommands returns the command menu of a staff member: the commands their role allows.
func (f *Flows) StaffCommands(id int64) []Command {
	_, manager := f.Config.Manager(id)
	_, county := f.Config.AdminCommunes(id)
	admin := f.Config.IsAdmin(id)
	var out []Command
	for _, c := range staffCommands {
		if c.who == managers && !manager || c.who == admins && !admin || c.who == countyAdmins && !county {
			continue
		}
		out = append(out, c.Command)
	}
	return out
}

// menuKey names a command menu in one language, so that a chat's menu is set again only when
// the language or the commands changed.
func menuKey(lang string, commands []Command) string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.Name
	}
	return lang + ":" + strings.Join(names, ",")
}

// setMenu puts a chat's command menu into the outbox when it differs from the one set last,
// whose key *set holds; the key is updated at once so that the next message does not ask
// again while the first call waits. Should Telegram refuse it, Settled forgets the key, and
// the person's next message tries again.
func setMenu(tx Outbox, chat int64, lang string, commands []Command, set *string) error {
	key := menuKey(lang, commands)
	if lang == "" || *set == key {
		return nil
	}
	*set = key
	return tx.Send(Outgoing{Chat: chat, Lang: lang, Kind: OutCommands, Commands: commands})
}

// clientMenu sets a client's command menu in their language. Someone who was staff before
// may have a staff menu on record: it is forgotten, so that it is set again should they
// become staff once more.
func (f *Flows) clientMenu(tx Tx, c *Client) error {
	before := c.Menu
	if err := setMenu(tx, c.ID, c.Lang, ClientCommands, &c.Menu); err != nil || c.Menu == before {
		return err
	}
	return forgetMenu(tx, c.ID, true)
}

// staffCommandMenu sets a staff member's command menu in their language, with the commands of
// their role; a client menu on record from before they were staff is forgotten.
func (f *Flows) staffCommandMenu(tx Tx, s *Staff, lang string) error {
	before := s.Menu
	if err := setMenu(tx, s.ID, lang, f.StaffCommands(s.ID), &s.Menu); err != nil || s.Menu == before {
		return err
	}
	return forgetMenu(tx, s.ID, false)
}

// menuRefused forgets the menu key of a chat whose menu Telegram did not take.
func (f *Flows) menuRefused(tx Tx, chat int64) error {
	return forgetMenu(tx, chat, f.Config.IsStaff(chat))
}

// forgetMenu forgets which menu was set in a chat, on its staff record or its client
// record, so that the next message sets it again.
func forgetMenu(tx Tx, chat int64, staff bool) error {
	if staff {
		s, err := tx.Staff(chat)
		if isNotFound(err) || err == nil && s.Menu == "" {
			return nil
		}
		if err != nil {
			return err
		}
		s.Menu = ""
		return tx.PutStaff(s)
	}
	c, err := tx.Client(chat)
	if isNotFound(err) || err == nil && c.Menu == "" {
		return nil
	}
	if err != nil {
		return err
	}
	c.Menu = ""
	return tx.PutClient(c)
}
