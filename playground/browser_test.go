package playground_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// The browser test opens the playground in Debian's Chromium, headless, and goes through a
// day of Amira and Frau Yılmaz by typing and clicking in the page as a person does. It
// saves a screenshot of each step in the test's artifact directory:
//
//	go test -run Browser -artifacts -outputdir /tmp/pgart ./playground
//
// Without a Chromium the test is skipped, unless LOTSE_BROWSER_TEST=required; LOTSE_CHROMIUM
// names another browser binary.

const (
	browserTimeout = 3 * time.Minute  // the whole test, browser start included
	stepTimeout    = 20 * time.Second // one thing to appear in the page, on a slow machine
	maxDays        = 14               // "+1 day" presses until the reminder, at most
)

// chromium returns the browser to run, or skips the test when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	required := os.Getenv("LOTSE_BROWSER_TEST") == "required"
	name := os.Getenv("LOTSE_CHROMIUM")
	if name == "" {
		name = "chromium"
	}
	path, err := exec.LookPath(name)
	switch {
	case err == nil:
		return path
	case required:
		t.Fatalf("LOTSE_BROWSER_TEST=required, but there is no browser %q: %v (install Debian's chromium, or set LOTSE_CHROMIUM)", name, err)
	case testing.Short():
		t.Skip("the browser test does not run with -short")
	}
	t.Skipf("no browser %q found (install Debian's chromium, or set LOTSE_CHROMIUM); LOTSE_BROWSER_TEST=required makes this a failure", name)
	return ""
}

// mondayMorning is where the bot's clock starts: the next Monday, 08:00 in the town, at least
// an hour from now and outside the example town's closure over Christmas and New Year. Then
// Frau Yılmaz's Tuesday office hours lie a day ahead, and the test does not depend on the
// day it runs.
func mondayMorning(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	day := time.Date(y, m, d, 8, 0, 0, 0, loc)
	for {
		day = day.AddDate(0, 0, 1)
		holidays := (day.Month() == time.December && day.Day() >= 20) || (day.Month() == time.January && day.Day() <= 7)
		if day.Weekday() == time.Monday && day.Sub(now) > time.Hour && !holidays {
			return day
		}
	}
}

func TestBrowserClientAndManagerThroughThePage(t *testing.T) {
	exe := chromium(t)
	began := time.Now()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tp := newTestPlaygroundWith(t, setup{start: mondayMorning(time.Now(), loc)})
	b := openBrowser(t, exe, tp.url)

	const amira, manager = "Amira", "Frau Yılmaz"
	ar := func(id string, kv ...string) string { return tp.say("ar", id, kv...) }
	de := func(id string, kv ...string) string { return tp.say("de", id, kv...) }

	// Frau Yılmaz starts the bot first: Telegram lets a bot write only to people who did.
	b.send(manager, "/start")
	b.waitBot(manager, "her welcome", contains(de("ManagerWelcome", "Name", manager, "Town", "Musterstadt")))

	// Amira is greeted in Arabic, right to left.
	b.send(amira, "/start")
	greeting := b.waitBot(amira, "the Arabic greeting", contains(ar("LanguageConfirm")))
	if !strings.Contains(greeting.Text, ar("Welcome", "Town", "Musterstadt")) {
		t.Errorf("greeting %q lacks the welcome", greeting.Text)
	}
	b.wantRTL(greeting)
	b.screenshot("01-start.png")

	b.press(amira, ar("LanguageConfirmYes"))
	b.waitBot(amira, "the privacy notice", contains(ar("PrivacyQuestion")))
	b.press(amira, ar("PrivacyAccept"))
	b.waitBot(amira, "the question where she lives", contains(ar("ConsentThanks")))
	b.press(amira, "🏠 Altstadt")
	b.waitBot(amira, "the menu", hasButton(ar("MenuFAQ")))

	// Questions and answers: a topic, a question, its answer.
	b.press(amira, ar("MenuFAQ"))
	b.press(amira, tp.phrase("ar", flows.Content(flows.PhraseTopic, "language")))
	question := tp.phrase("ar", flows.Content(flows.PhraseQuestion, "integration-course"))
	b.press(amira, question)
	answer := b.waitBot(amira, "the answer", startsWith(question+"\n\n"))
	if want := tp.phrase("ar", flows.Content(flows.PhraseAnswer, "integration-course")); !strings.Contains(answer.Text, want) {
		t.Errorf("the answer reads %q, want it to contain %q", answer.Text, want)
	}
	b.wantRTL(answer)
	b.screenshot("02-faq.png")
	b.press(amira, ar("MenuBack"))
	b.waitBot(amira, "the menu again", hasButton(ar("MenuAppointments")))

	// An appointment: the first day and time offered, "something else". Frau Yılmaz's office
	// hours have no interpreter, so none is offered.
	b.press(amira, ar("MenuAppointments"))
	b.press(amira, ar("ApptBook"))
	b.press(amira, b.firstButton(amira, "a day"))
	b.press(amira, b.firstButton(amira, "a time"))
	b.press(amira, ar("ApptTopicOther"))
	arabic, _ := flows.LookupLanguage("ar")
	b.press(amira, ar("ApptConfirm"))
	booked := b.waitBot(amira, "the booking", contains(ar("ApptBooked")))
	b.wantRTL(booked)
	when := lineWith(booked.Text, "🕘")
	if when == "" {
		t.Fatalf("the booking %q says no time", booked.Text)
	}
	b.screenshot("03-booked.png")

	// Amira writes to her manager from the menu: whatever she types there is relayed.
	const note = "مرحبا، عندي سؤال عن رسالة من مركز العمل"
	b.send(amira, note)
	b.waitBot(amira, "the note that it was delivered", contains(ar("RelayDelivered")))

	// Frau Yılmaz gets a header for the case and Amira's message, and answers with a
	// ready-made reply.
	header := b.waitBot(manager, "the header of Amira's case", match{Prefix: "✉️ K-", Contains: " · " + amira + " · "})
	caseLabel := strings.Fields(strings.TrimPrefix(header.Text, "✉️ "))[0]
	relayed := b.waitBot(manager, "Amira's message", exactly(note))
	b.wantRTL(relayed)
	if header.Dir != "ltr" {
		t.Errorf("the German header has dir %q, want ltr", header.Dir)
	}
	b.screenshot("04-manager.png")
	b.press(manager, de("RelayTemplates"))
	b.press(manager, de("TplReceivedLabel"))
	b.waitBot(manager, "the note that the reply was sent", contains(de("StaffTemplateSent", "Case", caseLabel, "Language", arabic.Name)))

	// Amira reads it in Arabic, right to left.
	reply := b.waitBot(amira, "the ready-made reply in Arabic", exactly(ar("TplReceived")))
	b.wantRTL(reply)

	// A reply of her own: Lotse puts 👍 on it once it reached Amira.
	const own = "Gern, bis bald!"
	b.send(manager, "/r "+caseLabel+" "+own)
	b.waitBot(amira, "Frau Yılmaz's own reply", exactly(own))
	b.wait(manager, "👍 on her reply", match{From: "user", Exact: "/r " + caseLabel + " " + own, Reaction: "👍"})
	b.screenshot("05-template.png")

	// Days go by on the bot's clock until the reminder of the appointment comes.
	reminder := ""
	for day := 1; reminder == "" && day <= maxDays; day++ {
		b.nextDay()
		if m, ok := b.find(amira, contains(reminderHead(tp)), 5*time.Second); ok {
			reminder = m.Text
			b.wantRTL(m)
		}
	}
	if reminder == "" {
		b.fail("no reminder of the appointment within %d days", maxDays)
	}
	if !strings.Contains(reminder, when) {
		t.Errorf("the reminder %q is not for the appointment booked (%q)", reminder, when)
	}
	b.screenshot("06-reminder.png")
	b.noPageErrors()
	t.Logf("the browser test took %v; screenshots in %s (kept with -artifacts)", time.Since(began).Round(time.Second), b.dir)
}

func TestBrowserShowsEveryKindOfMessage(t *testing.T) {
	exe := chromium(t)
	tp := newTestPlaygroundWith(t, setup{})
	tp.post("/api/people/900101/send", map[string]any{"text": "/start"}, nil)
	tp.waitFor(yilmaz, "her welcome", func(m message) bool { return m.From == "bot" })
	tp.toMenu(amira)

	// Amira sends what the page has no buttons for; Frau Yılmaz gets copies.
	u := fakeapi.User{ID: amira, FirstName: "Amira", LanguageCode: "ar"}
	for _, m := range []fakeapi.Media{
		{Kind: "location", Latitude: 48.0, Longitude: 7.85},
		{Kind: "contact", ContactName: "Olena", PhoneNumber: "+49 170 1234567"},
		{Kind: "audio", FileName: "nachricht.mp3"},
		{Kind: "video", FileName: "wohnung.mp4", Text: "الشقة"},
		{Kind: "video_note"},
		{Kind: "voice"},
	} {
		if tp.api.SendMedia(u, m) == 0 {
			t.Fatalf("the fake Telegram does not know %s", m.Kind)
		}
	}
	tp.waitFor(yilmaz, "the copy of the voice message", func(m message) bool { return m.Kind == "voice" })

	b := openBrowser(t, exe, tp.url)
	for _, name := range []string{"Amira", "Frau Yılmaz"} {
		from := "user"
		if name != "Amira" {
			from = "bot"
		}
		for _, want := range []struct {
			what string
			m    match
		}{
			{"the location", match{Exact: "📍 Location · 48.00000, 7.85000"}},
			{"the contact", match{Exact: "👤 Contact · Olena · +49 170 1234567"}},
			{"the audio file", match{File: "nachricht.mp3"}},
			{"the video with its caption", match{File: "wohnung.mp4", Exact: "الشقة"}},
			{"the video message", match{File: "Video message"}},
			{"the voice message", match{File: "Voice message"}},
		} {
			want.m.From = from
			m := b.wait(name, want.what, want.m)
			if want.m.Exact == "الشقة" {
				b.wantRTL(m)
			} else if m.Dir != "ltr" {
				t.Errorf("%s in the chat of %s has dir %q, want ltr", want.what, name, m.Dir)
			}
		}
	}
	b.screenshot("kinds.png")
	b.noPageErrors()
}

// reminderHead is the first line of an appointment reminder in Arabic.
func reminderHead(tp *testPlayground) string {
	s := tp.phrase("ar", flows.Phrase{ID: "ReminderText", Args: map[string]string{"Office": "-", "Address": "-"}, Sub: map[string]flows.Phrase{"When": flows.Literal("-")}})
	head, _, _ := strings.Cut(s, "\n")
	return head
}

// phrase renders a phrase as the bot shows it in lang.
func (tp *testPlayground) phrase(lang string, p flows.Phrase) string {
	tp.t.Helper()
	s, err := tp.render.Phrase(lang, p)
	if err != nil {
		tp.t.Fatal(err)
	}
	return s
}

// lineWith returns the first line of text that contains s, or "".
func lineWith(text, s string) string {
	for line := range strings.Lines(text) {
		if strings.Contains(line, s) {
			return strings.TrimSuffix(line, "\n")
		}
	}
	return ""
}

// bubble is a message as the page shows it.
type bubble struct {
	ID        string   `json:"id"`
	From      string   `json:"from"` // "bot" or "user"
	Text      string   `json:"text"`
	Dir       string   `json:"dir"` // the dir attribute of the bubble
	Reactions []string `json:"reactions"`
	Buttons   []string `json:"buttons"`
	File      string   `json:"file"` // the name its file shows with
}

// match says which message to wait for: the newest one with all the given properties.
type match struct {
	From     string `json:"from,omitempty"`     // "bot" or "user"
	Exact    string `json:"exact,omitempty"`    // the whole text
	Contains string `json:"contains,omitempty"` // a part of the text
	Prefix   string `json:"prefix,omitempty"`   // the start of the text
	Button   string `json:"button,omitempty"`   // the label of one of its buttons
	Reaction string `json:"reaction,omitempty"` // the reactions on it, e.g. "👍"
	File     string `json:"file,omitempty"`     // the name its file shows with
}

func contains(s string) match { return match{Contains: s} }

func exactly(s string) match { return match{Exact: s} }

func startsWith(s string) match { return match{Prefix: s} }

func hasButton(label string) match { return match{Button: label} }

// browser is the playground's page in a headless Chromium.
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string // where the screenshots go

	mu     sync.Mutex
	errors []string // exceptions and console errors of the page
	output bytes.Buffer
}

// openBrowser starts Chromium with the page at url. The browser stops when the test ends,
// before the playground does.
// screenshotDir is where a test's screenshots go: LOTSE_ARTIFACTS/<test> when set (CI keeps
// that folder), else the test's artifact directory (go test -artifacts).
func screenshotDir(t *testing.T) string {
	root := os.Getenv("LOTSE_ARTIFACTS")
	if root == "" {
		return t.ArtifactDir()
	}
	dir := filepath.Join(root, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func openBrowser(t *testing.T, exe, url string) *browser {
	t.Helper()
	profile, err := os.MkdirTemp("", "lotse-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, dir: screenshotDir(t)}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 900),
		chromedp.CombinedOutput(&lockedWriter{mu: &b.mu, w: &b.output}),
	)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	b.ctx = tabCtx
	// Registered after the playground's cleanup, so it runs before it.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
		removeProfile(t, profile)
	})
	if err := chromedp.Listen(tabCtx, b.record); err != nil {
		b.mu.Lock()
		out := b.output.String()
		b.mu.Unlock()
		t.Fatalf("starting %s: %v\n%s", exe, err, tail(out, 2000))
	}
	// The page as a person sees it on a laptop; Log reports what the page may not load.
	enableLog := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{})
		return err
	})
	if err := chromedp.Do(tabCtx, chromedp.EmulateViewport(1400, 900), enableLog, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening the playground: %v", err)
	}
	// Four columns, each chat loaded once: it shows messages or that there are none yet.
	if _, err := chromedp.Run(tabCtx, chromedp.Poll[bool](`(() => {
		const chats = [...document.querySelectorAll("section.phone .messages")];
		return chats.length === 4 && chats.every((c) => c.children.length > 0) && document.getElementById("clock-text").textContent !== "";
	})()`,
		chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.fail("the page did not show four chats and the clock: %v", err)
	}
	return b
}

// removeProfile removes Chromium's profile. Its helper processes can still write there for a
// moment after the browser stopped, so it tries again for a while.
func removeProfile(t *testing.T, dir string) {
	var err error
	for range 50 {
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("could not remove Chromium's profile %s: %v", dir, err)
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// record keeps the page's uncaught exceptions, console errors and the errors the browser
// logs, such as what the content security policy refused: the page must work without any.
func (b *browser) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil && ev.ExceptionDetails.Exception.Description != "" {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e == nil || e.Level != cdplog.EntryLevelError || strings.HasSuffix(e.URL, "/favicon.ico") {
			return
		}
		msg = string(e.Source) + ": " + e.Text
		if e.URL != "" {
			msg += " (" + e.URL + ")"
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				args = append(args, string(a.Value))
			} else {
				args = append(args, a.Description)
			}
		}
		msg = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
	default:
		return
	}
	b.mu.Lock()
	b.errors = append(b.errors, msg)
	b.mu.Unlock()
}

func (b *browser) noPageErrors() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		b.t.Errorf("the page reported an error: %s", e)
	}
}

// fail saves a screenshot of the page as it is and stops the test.
func (b *browser) fail(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		name := filepath.Join(b.dir, "failed.png")
		if err := os.WriteFile(name, png, 0o644); err == nil {
			msg += "\n(the page as it was: " + name + ")"
		}
	}
	b.mu.Lock()
	for _, e := range b.errors {
		msg += "\nthe page reported: " + e
	}
	b.mu.Unlock()
	b.t.Fatal(msg)
}

// screenshot saves the whole page as a PNG in the artifact directory.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fail("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// column is the CSS selector of a person's chat.
func column(name string) string {
	return fmt.Sprintf(`section.phone[aria-label=%q]`, "Chat of "+name)
}

// click clicks the element sel with the mouse.
func (b *browser) click(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.fail("clicking %s: %v", sel, err)
	}
}

// send types text into a person's chat and presses the send button.
func (b *browser) send(name, text string) {
	b.t.Helper()
	input := column(name) + " textarea.input"
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(input)), chromedp.SendKeys(chromedp.CSS(input), text)); err != nil {
		b.fail("typing as %s: %v", name, err)
	}
	if typed, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(input))); err != nil || typed != text {
		b.fail("typed %q as %s, but the input holds %q (%v)", text, name, typed, err)
	}
	b.click(column(name) + " button.send")
	b.wait(name, "the message "+text+" sent", match{From: "user", Exact: text})
}

// buttonsJS finds the newest enabled inline button of a person's chat with a label, or
// with any label when label is "", scrolls it into view and returns its label and centre.
// An empty string reaches the page as undefined: chromedp leaves out an argument that is "".
const buttonsJS = `(name, label = "") => {
	const col = [...document.querySelectorAll("section.phone")].find((c) => c.getAttribute("aria-label") === "Chat of " + name);
	if (!col) return null;
	const rows = [...col.querySelectorAll(".row.bot")].filter((r) => r.querySelector(".keyboard"));
	if (rows.length === 0) return null;
	const keys = label === "" ? [...rows[rows.length - 1].querySelectorAll("button.key")] : [...col.querySelectorAll("button.key")];
	const key = label === "" ? keys.find((k) => !k.disabled) : keys.reverse().find((k) => !k.disabled && k.textContent === label);
	if (!key) return null;
	key.scrollIntoView({ block: "nearest", inline: "nearest" });
	const r = key.getBoundingClientRect();
	if (r.width === 0 || r.height === 0) return null;
	const row = key.closest(".row");
	const all = col.querySelectorAll(".messages .row");
	return {
		label: key.textContent, x: r.left + r.width / 2, y: r.top + r.height / 2,
		id: row.dataset.id, shown: row.textContent, newest: all[all.length - 1].dataset.id,
	};
}`

// changedJS tells whether the message with id no longer shows as it did, or is gone, or
// a message came after the one that was the newest.
const changedJS = `(name, id, shown, newest) => {
	const col = [...document.querySelectorAll("section.phone")].find((c) => c.getAttribute("aria-label") === "Chat of " + name);
	const rows = col ? [...col.querySelectorAll(".messages .row")] : [];
	const row = rows.find((r) => r.dataset.id === id);
	return !row || row.textContent !== shown || rows[rows.length - 1].dataset.id !== newest;
}`

// key is an inline button found in the page.
type key struct {
	Label  string  `json:"label"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	ID     string  `json:"id"`     // its message
	Shown  string  `json:"shown"`  // the text of its message with all its buttons
	Newest string  `json:"newest"` // the newest message of the chat then
}

// press waits for an inline button with the label in a person's chat, clicks it and waits
// until the bot answered: Lotse edits the message of the button or writes a new one, and
// the next step must not find the old screen.
func (b *browser) press(name, label string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 2*stepTimeout+5*time.Second)
	defer cancel()
	k, err := chromedp.Run(ctx, chromedp.PollFunction[key](buttonsJS,
		chromedp.WithPollingArgs(name, label), chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.fail("%s never got a button %q: %v\nthe chat shows:\n%s", name, label, err, b.dump(name))
	}
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(k.X, k.Y)); err != nil {
		b.fail("clicking %q as %s: %v", label, name, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.PollFunction[bool](changedJS,
		chromedp.WithPollingArgs(name, k.ID, k.Shown, k.Newest), chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.fail("%s pressed %q, but the message of the button stayed as it was: %v\nthe chat shows:\n%s", name, label, err, b.dump(name))
	}
}

// firstButton returns the label of the first button under the newest keyboard of a
// person's chat: the earliest day or time offered.
func (b *browser) firstButton(name, what string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	k, err := chromedp.Run(ctx, chromedp.PollFunction[key](buttonsJS,
		chromedp.WithPollingArgs(name, ""), chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.fail("%s was offered no %s: %v\nthe chat shows:\n%s", name, what, err, b.dump(name))
	}
	return k.Label
}

// bubblesJS returns the messages of a person's chat as the page shows them.
const bubblesJS = `(name) => {
	const col = [...document.querySelectorAll("section.phone")].find((c) => c.getAttribute("aria-label") === "Chat of " + name);
	if (!col) return [];
	return [...col.querySelectorAll(".messages .row")].map((r) => {
		const bubble = r.querySelector(".bubble");
		const text = bubble.querySelector(".text");
		return {
			id: r.dataset.id,
			from: r.classList.contains("user") ? "user" : "bot",
			text: text ? text.textContent : "",
			dir: bubble.getAttribute("dir") || "",
			reactions: [...r.querySelectorAll(".reaction")].map((e) => e.textContent),
			buttons: [...r.querySelectorAll("button.key")].map((e) => e.textContent),
			file: bubble.querySelector(".document") ? bubble.querySelector(".document").textContent : "",
		};
	});
}`

// findJS returns the newest message of a person's chat that matches, or null.
const findJS = `(name, want) => {
	const msgs = (` + bubblesJS + `)(name);
	for (let i = msgs.length - 1; i >= 0; i--) {
		const m = msgs[i];
		if ((!want.from || m.from === want.from) &&
			(!want.exact || m.text === want.exact) &&
			(!want.contains || m.text.includes(want.contains)) &&
			(!want.prefix || m.text.startsWith(want.prefix)) &&
			(!want.button || m.buttons.includes(want.button)) &&
			(!want.reaction || m.reactions.join("") === want.reaction) &&
			(!want.file || m.file === want.file)) {
			return m;
		}
	}
	return null;
}`

// find waits up to timeout for a message of a person's chat that matches want.
func (b *browser) find(name string, want match, timeout time.Duration) (bubble, bool) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout+5*time.Second)
	defer cancel()
	m, err := chromedp.Run(ctx, chromedp.PollFunction[bubble](findJS,
		chromedp.WithPollingArgs(name, want), chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if errors.Is(err, chromedp.ErrPollingTimeout) {
		return bubble{}, false
	}
	if err != nil {
		b.fail("reading the chat of %s: %v", name, err)
	}
	return m, true
}

// wait waits for a message of a person's chat that matches want.
func (b *browser) wait(name, what string, want match) bubble {
	b.t.Helper()
	m, ok := b.find(name, want, stepTimeout)
	if !ok {
		b.fail("the chat of %s never showed %s; it shows:\n%s", name, what, b.dump(name))
	}
	return m
}

// waitBot waits for a message from the bot that matches want.
func (b *browser) waitBot(name, what string, want match) bubble {
	b.t.Helper()
	want.From = "bot"
	return b.wait(name, what, want)
}

// wantRTL checks that a message's bubble reads right to left.
func (b *browser) wantRTL(m bubble) {
	b.t.Helper()
	if m.Dir != "rtl" {
		b.t.Errorf("message %s %q has dir %q, want rtl", m.ID, firstLine(m.Text), m.Dir)
	}
}

// nextDay moves the bot's clock a day ahead with the page's "+1 day" button and waits until
// the page's clock shows it.
func (b *browser) nextDay() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout+5*time.Second)
	defer cancel()
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("clock-text").dateTime`))
	if err != nil || before == "" {
		b.fail("the page shows no clock: %q %v", before, err)
	}
	b.click(`button[data-advance="24h"]`)
	if _, err := chromedp.Run(ctx, chromedp.PollFunction[bool](`(before) => Date.parse(document.getElementById("clock-text").dateTime) - Date.parse(before) >= 24 * 3600 * 1000`,
		chromedp.WithPollingArgs(before), chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		now, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("clock-text").textContent`))
		b.fail("the clock did not move a day ahead from %s; it shows %q: %v", before, now, err)
	}
}

// dump lists a person's chat for a failure message.
func (b *browser) dump(name string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	msgs, err := chromedp.Run(ctx, chromedp.Evaluate[[]bubble](`(`+bubblesJS+`)(`+fmt.Sprintf("%q", name)+`)`))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "(the page did not answer)"
		}
		return "(" + err.Error() + ")"
	}
	var sb strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&sb, "  %s %s [%s] %q buttons %q reactions %q file %q\n", m.ID, m.From, m.Dir, m.Text, m.Buttons, m.Reactions, m.File)
	}
	return sb.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
