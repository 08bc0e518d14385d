package playground

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// Roles of people in the playground.
const (
	RoleClient  = "client"
	RoleManager = "manager"
)

// Person is someone one chats as in the playground: a simulated Telegram user.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Language is the language_code Telegram reports: the language of the phone's interface,
	// which the bot takes as a first guess only.
	Language string `json:"language"`
	Role     string `json:"role"`
}

func (p Person) user() fakeapi.User {
	return fakeapi.User{ID: p.ID, FirstName: p.Name, LanguageCode: p.Language}
}

// firstClientID is the Telegram id of the first simulated client; later ones count up.
const firstClientID = 10001

// exampleManager is Frau Yılmaz of the example town: she alone looks after the Altstadt,
// so a client who lives there writes to her and nobody else.
const exampleManager = 900101

// StartingPeople returns the people the playground opens with: three clients whose phones are
// set to Arabic, Tigrinya and Ukrainian, and one of the town's managers with a German phone:
// Frau Yılmaz in the example town, otherwise the first manager of cfg.
func StartingPeople(cfg *flows.Config) []Person {
	out := []Person{
		{ID: firstClientID, Name: "Amira", Language: "ar", Role: RoleClient},
		{ID: firstClientID + 1, Name: "Tesfay", Language: "ti", Role: RoleClient},
		{ID: firstClientID + 2, Name: "Olena", Language: "uk", Role: RoleClient},
	}
	m, ok := cfg.Manager(exampleManager)
	if !ok && len(cfg.Managers) > 0 {
		m, ok = cfg.Managers[0], true
	}
	if ok {
		out = append(out, Person{ID: m.TelegramID, Name: m.Name, Language: "de", Role: RoleManager})
	}
	return out
}

// maxPeople keeps a forgotten script from filling the page with columns.
const maxPeople = 40

// languageCode is the shape of an IETF language tag as Telegram reports it ("ar", "pt-br").
var languageCode = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// Errors of adding a person; their texts are shown on the page.
var (
	errBadName     = errors.New("give a name of 1 to 64 characters")
	errBadLanguage = errors.New("the language code looks like ar, fa, ckb or pt-br, or is empty")
	errTooMany     = fmt.Errorf("the playground holds at most %d people", maxPeople)
)

// cast is everyone in the playground, in the order of the page's columns. People can be
// added but not removed: the bot keeps their chats anyway.
type cast struct {
	mu     sync.Mutex
	people []Person
	nextID int64
}

func newCast(people []Person) *cast {
	c := &cast{people: append([]Person(nil), people...), nextID: firstClientID}
	for _, p := range people {
		if p.Role == RoleClient && p.ID >= c.nextID {
			c.nextID = p.ID + 1
		}
	}
	return c
}

// list returns everyone, in order.
func (c *cast) list() []Person {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Person(nil), c.people...)
}

// find returns the person with the given Telegram id.
func (c *cast) find(id int64) (Person, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.findLocked(id)
}

func (c *cast) findLocked(id int64) (Person, bool) {
	for _, p := range c.people {
		if p.ID == id {
			return p, true
		}
	}
	return Person{}, false
}

// add adds a client with a new id.
func (c *cast) add(name, language string) (Person, error) {
	name, language = strings.TrimSpace(name), strings.TrimSpace(language)
	if name == "" || utf8.RuneCountInString(name) > 64 || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return Person{}, errBadName
	}
	if language != "" && !languageCode.MatchString(language) {
		return Person{}, errBadLanguage
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.people) >= maxPeople {
		return Person{}, errTooMany
	}
	for {
		if _, taken := c.findLocked(c.nextID); !taken {
			break
		}
		c.nextID++ // a configured manager may have a small id
	}
	p := Person{ID: c.nextID, Name: name, Language: language, Role: RoleClient}
	c.nextID++
	c.people = append(c.people, p)
	return p, nil
}
