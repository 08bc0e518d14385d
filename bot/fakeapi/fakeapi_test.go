package fakeapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

var alice = fakeapi.User{ID: 1001, FirstName: "Alice", LanguageCode: "de", Username: "alice"}

// response is a decoded Bot API reply.
type response struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
	status int
}

func newServer(t *testing.T) *fakeapi.Server {
	t.Helper()
	s := fakeapi.New()
	t.Cleanup(s.Close)
	return s
}

// call posts params as JSON to a method.
func call(t *testing.T, s *fakeapi.Server, method string, params map[string]any) response {
	t.Helper()
	body, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	return post(t, s.URL()+"/bot"+fakeapi.Token+"/"+method, "application/json", body)
}

func post(t *testing.T, u, contentType string, body []byte) response {
	t.Helper()
	r, err := tryPost(u, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tryPost is post for use outside the test goroutine.
func tryPost(u, contentType string, body []byte) (response, error) {
	resp, err := http.Post(u, contentType, bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	var r response
	if err := json.Unmarshal(data, &r); err != nil {
		return response{}, fmt.Errorf("response is not JSON: %s", data)
	}
	r.status = resp.StatusCode
	return r, nil
}

func pollAsync(s *fakeapi.Server, timeout int) <-chan response {
	out := make(chan response, 1)
	go func() {
		r, _ := tryPost(s.URL()+"/bot"+fakeapi.Token+"/getUpdates", "application/json", []byte(fmt.Sprintf(`{"timeout":%d}`, timeout)))
		out <- r
	}()
	return out
}

func mustOK(t *testing.T, r response) {
	t.Helper()
	if !r.OK || r.status != http.StatusOK {
		t.Fatalf("expected success, got %d %q", r.status, r.Description)
	}
}

func mustFail(t *testing.T, r response, status int, contains string) {
	t.Helper()
	if r.OK || r.status != status || r.ErrorCode != status {
		t.Fatalf("expected %d, got HTTP %d ok=%v error_code=%d %q", status, r.status, r.OK, r.ErrorCode, r.Description)
	}
	if !strings.Contains(r.Description, contains) {
		t.Fatalf("description %q does not contain %q", r.Description, contains)
	}
}

type update struct {
	full     json.RawMessage // the update exactly as the server sent it
	UpdateID int64           `json:"update_id"`
	Message  *struct {
		MessageID int    `json:"message_id"`
		Text      string `json:"text"`
		Chat      struct {
			ID   int64  `json:"id"`
			Type string `json:"type"`
		} `json:"chat"`
		Entities []struct {
			Type   string `json:"type"`
			Offset int    `json:"offset"`
			Length int    `json:"length"`
		} `json:"entities"`
	} `json:"message"`
	CallbackQuery *struct {
		ID      string          `json:"id"`
		Data    string          `json:"data"`
		Message json.RawMessage `json:"message"`
	} `json:"callback_query"`
}

func getUpdates(t *testing.T, s *fakeapi.Server, params map[string]any) []update {
	t.Helper()
	r := call(t, s, "getUpdates", params)
	mustOK(t, r)
	var raws []json.RawMessage
	if err := json.Unmarshal(r.Result, &raws); err != nil {
		t.Fatal(err)
	}
	ups := make([]update, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &ups[i]); err != nil {
			t.Fatal(err)
		}
		ups[i].full = raw
	}
	return ups
}

func TestGetUpdatesOffsetIsAtLeastOnce(t *testing.T) {
	s := newServer(t)
	first := s.SendText(alice, "one")
	second := s.SendText(alice, "two")
	third := s.SendText(alice, "three")
	if first <= 0 || second != first+1 || third != second+1 {
		t.Fatalf("update ids not strictly increasing: %d %d %d", first, second, third)
	}

	ups := getUpdates(t, s, nil)
	if len(ups) != 3 || ups[0].UpdateID != first || ups[2].Message.Text != "three" {
		t.Fatalf("unexpected updates: %+v", ups)
	}
	// Not confirmed yet: delivered again.
	if again := getUpdates(t, s, nil); len(again) != 3 {
		t.Fatalf("unconfirmed updates must be redelivered, got %d", len(again))
	}
	// offset confirms everything below it.
	ups = getUpdates(t, s, map[string]any{"offset": second, "limit": 1})
	if len(ups) != 1 || ups[0].UpdateID != second {
		t.Fatalf("offset/limit: %+v", ups)
	}
	if n := s.PendingUpdates(); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}
	if ups := getUpdates(t, s, map[string]any{"offset": third + 1}); len(ups) != 0 {
		t.Fatalf("confirmed updates returned: %+v", ups)
	}
	if n := s.PendingUpdates(); n != 0 {
		t.Fatalf("pending = %d, want 0", n)
	}
	if id := s.MessageIDOf(first); id != 1 {
		t.Fatalf("MessageIDOf(first) = %d, want 1", id)
	}
}

func TestEnqueueRawDeliversDuplicateAndUnknownTypes(t *testing.T) {
	s := newServer(t)
	id := s.SendText(alice, "hello")
	ups := getUpdates(t, s, nil)
	getUpdates(t, s, map[string]any{"offset": ups[0].UpdateID + 1})

	s.EnqueueRaw(ups[0].full)
	s.EnqueueRaw(json.RawMessage(`{"update_id": ` + strconv.FormatInt(id+1, 10) + `, "some_future_update": {"x": 1}}`))
	ups = getUpdates(t, s, map[string]any{"offset": id + 1})
	if len(ups) != 2 || ups[0].UpdateID != id || ups[1].UpdateID != id+1 {
		t.Fatalf("expected the duplicate and the unknown update, got %+v", ups)
	}
	if next := s.SendText(alice, "after"); next != id+2 {
		t.Fatalf("update ids must stay increasing after EnqueueRaw: %d", next)
	}
}

func TestLongPollWakesUpOnNewUpdate(t *testing.T) {
	s := newServer(t)
	start := time.Now()
	done := pollAsync(s, 5)
	time.Sleep(50 * time.Millisecond)
	s.SendText(alice, "wake up")
	select {
	case r := <-done:
		var ups []update
		_ = json.Unmarshal(r.Result, &ups)
		if len(ups) != 1 || ups[0].Message.Text != "wake up" {
			t.Fatalf("unexpected updates %+v", ups)
		}
		if time.Since(start) > 2*time.Second {
			t.Fatal("long poll did not wake up promptly")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("long poll did not return")
	}

	// Without updates, the poll returns an empty list after the timeout.
	start = time.Now()
	if ups := getUpdates(t, s, map[string]any{"timeout": 1, "offset": 1 << 40}); len(ups) != 0 {
		t.Fatalf("expected no updates, got %+v", ups)
	}
	if elapsed := time.Since(start); elapsed < 900*time.Millisecond {
		t.Fatalf("long poll returned after %v, before its timeout", elapsed)
	}
}

func TestSecondPollTerminatesFirst(t *testing.T) {
	s := newServer(t)
	first := pollAsync(s, 5)
	time.Sleep(50 * time.Millisecond)
	pollAsync(s, 1)
	select {
	case r := <-first:
		mustFail(t, r, http.StatusConflict, "terminated by other getUpdates request")
	case <-time.After(3 * time.Second):
		t.Fatal("first poll was not terminated")
	}
}

func TestBotCommandEntities(t *testing.T) {
	cases := []struct {
		text           string
		offset, length int
	}{
		{"/start abc", 0, 6},
		{"/start", 0, 6},
		{"/help@lotse_test_bot now", 0, 20},
		{"مرحبا /start", 6, 6},
		{"😀 /help", 3, 5},
	}
	for _, tc := range cases {
		s := newServer(t)
		s.SendText(alice, tc.text)
		ups := getUpdates(t, s, nil)
		if len(ups) != 1 || ups[0].Message == nil {
			t.Fatalf("%q: no message update", tc.text)
		}
		m := ups[0].Message
		if m.Chat.ID != alice.ID || m.Chat.Type != "private" {
			t.Fatalf("%q: wrong chat %+v", tc.text, m.Chat)
		}
		if len(m.Entities) != 1 || m.Entities[0].Type != "bot_command" || m.Entities[0].Offset != tc.offset || m.Entities[0].Length != tc.length {
			t.Fatalf("%q: entities %+v, want bot_command at %d+%d", tc.text, m.Entities, tc.offset, tc.length)
		}
	}

	s := newServer(t)
	s.SendText(alice, "no command here, a/b and http://x/y")
	if ups := getUpdates(t, s, nil); len(ups[0].Message.Entities) != 0 {
		t.Fatalf("unexpected entities %+v", ups[0].Message.Entities)
	}
}

func TestUpdateJSONHasNoEmptyObjects(t *testing.T) {
	s := newServer(t)
	s.SendText(fakeapi.User{ID: 5}, "hi")
	r := call(t, s, "getUpdates", nil)
	raw := string(r.Result)
	for _, bad := range []string{"{}", "null", `"username"`, `"entities"`, `"reply_markup"`} {
		if strings.Contains(raw, bad) {
			t.Fatalf("update contains %s: %s", bad, raw)
		}
	}
	if !strings.Contains(raw, `"first_name":"User 5"`) || !strings.Contains(raw, `"is_bot":false`) {
		t.Fatalf("unexpected update: %s", raw)
	}
}

func TestSendMessageValidation(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	button := func(b map[string]any) map[string]any {
		return map[string]any{"inline_keyboard": [][]map[string]any{{b}}}
	}
	emoji := strings.Repeat("😀", 2048) // 2048 characters, 4096 UTF-16 code units

	ok := []map[string]any{
		{"chat_id": alice.ID, "text": strings.Repeat("a", 4096)},
		{"chat_id": alice.ID, "text": emoji},
		{"chat_id": alice.ID, "text": "<b>" + strings.Repeat("a", 4096) + "</b>", "parse_mode": "HTML"},
		{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "ü", "callback_data": strings.Repeat("ü", 32)})},
		{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "copy", "copy_text": map[string]any{"text": "abc"}})},
		{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "site", "url": "https://example.org"})},
		{"chat_id": alice.ID, "text": "x", "reply_markup": map[string]any{"keyboard": [][]string{{"Yes", "No"}}}},
		{"chat_id": alice.ID, "text": "x", "reply_markup": map[string]any{"remove_keyboard": true}},
		{"chat_id": strconv.FormatInt(alice.ID, 10), "text": "string chat id"},
	}
	for i, params := range ok {
		mustOK(t, call(t, s, "sendMessage", params))
		_ = i
	}

	bad := []struct {
		name     string
		params   map[string]any
		status   int
		contains string
	}{
		{"too long", map[string]any{"chat_id": alice.ID, "text": strings.Repeat("a", 4097)}, 400, "message is too long"},
		{"emoji too long", map[string]any{"chat_id": alice.ID, "text": emoji + "a"}, 400, "message is too long"},
		{"empty", map[string]any{"chat_id": alice.ID, "text": "  "}, 400, "message text is empty"},
		{"empty after parsing", map[string]any{"chat_id": alice.ID, "text": "<b></b>", "parse_mode": "HTML"}, 400, "message text is empty"},
		{"missing text", map[string]any{"chat_id": alice.ID}, 400, "text is empty"},
		{"missing chat", map[string]any{"text": "x"}, 400, "chat_id is empty"},
		{"bad chat id", map[string]any{"chat_id": "abc", "text": "x"}, 400, "chat_id"},
		{"unknown chat", map[string]any{"chat_id": 999, "text": "x"}, 400, "chat not found"},
		{"unclosed tag", map[string]any{"chat_id": alice.ID, "text": "<b>bold", "parse_mode": "HTML"}, 400, "can't parse entities"},
		{"unknown tag", map[string]any{"chat_id": alice.ID, "text": "a<br>b", "parse_mode": "HTML"}, 400, `Unsupported start tag "br"`},
		{"mismatched tag", map[string]any{"chat_id": alice.ID, "text": "<b><i>x</b></i>", "parse_mode": "HTML"}, 400, "Unmatched end tag"},
		{"bare less-than", map[string]any{"chat_id": alice.ID, "text": "1 < 2", "parse_mode": "HTML"}, 400, "can't parse entities"},
		{"bare ampersand", map[string]any{"chat_id": alice.ID, "text": "Tom & Jerry", "parse_mode": "HTML"}, 400, "can't parse entities"},
		{"markdownv2 reserved", map[string]any{"chat_id": alice.ID, "text": "Hello.", "parse_mode": "MarkdownV2"}, 400, "Character '.' is reserved"},
		{"bad parse mode", map[string]any{"chat_id": alice.ID, "text": "x", "parse_mode": "XML"}, 400, "parse_mode"},
		{"callback_data 65 bytes", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "b", "callback_data": strings.Repeat("ü", 32) + "a"})}, 400, "BUTTON_DATA_INVALID"},
		{"empty copy_text", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "b", "callback_data": "x", "copy_text": map[string]any{"text": ""}})}, 400, "copy_text"},
		{"empty copy_text alone", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "b", "copy_text": map[string]any{"text": ""}})}, 400, "copy_text"},
		{"empty web_app", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "b", "web_app": map[string]any{}})}, 400, "web_app"},
		{"two actions", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "b", "callback_data": "x", "url": "https://example.org"})}, 400, "exactly one action"},
		{"no action", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "b"})}, 400, "Text buttons are unallowed"},
		{"empty button text", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "", "callback_data": "x"})}, 400, "text"},
		{"bad url", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": button(map[string]any{"text": "b", "url": "javascript:alert(1)"})}, 400, "BUTTON_URL_INVALID"},
		{"empty row", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": map[string]any{"inline_keyboard": [][]any{{}}}}, 400, "row 1 is empty"},
		{"nine in a row", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{manyButtons(9)}}}, 400, "too many buttons"},
		{"two kinds", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": map[string]any{"inline_keyboard": [][]any{}, "remove_keyboard": true}}, 400, "exactly one kind"},
		{"markup not JSON", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": "{oops"}, 400, "reply keyboard markup"},
		{"bad bool", map[string]any{"chat_id": alice.ID, "text": "x", "disable_notification": "yes"}, 400, "disable_notification"},
		{"reply to missing", map[string]any{"chat_id": alice.ID, "text": "x", "reply_parameters": map[string]any{"message_id": 999}}, 400, "message to be replied not found"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			mustFail(t, call(t, s, "sendMessage", tc.params), tc.status, tc.contains)
		})
	}
	// "chat not found" is how Telegram answers a chat the bot has never seen: a correct bot
	// meets it too, so it is no rejection of a malformed request.
	if got := len(s.Rejected()); got != len(bad)-1 {
		t.Fatalf("Rejected() has %d calls, want %d", got, len(bad)-1)
	}
	if got := len(s.Messages(alice.ID)); got != len(ok) {
		t.Fatalf("chat has %d bot messages, want %d", got, len(ok))
	}
}

func manyButtons(n int) []map[string]any {
	var row []map[string]any
	for i := 0; i < n; i++ {
		row = append(row, map[string]any{"text": strconv.Itoa(i), "callback_data": strconv.Itoa(i)})
	}
	return row
}

func TestTooManyInlineButtons(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	var rows [][]map[string]any
	for i := 0; i < 13; i++ {
		rows = append(rows, manyButtons(8)) // 104 buttons
	}
	r := call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "x", "reply_markup": map[string]any{"inline_keyboard": rows}})
	mustFail(t, r, 400, "reply markup is too long")
}

func TestHTMLParsing(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	text := `<b>Fett</b> &amp; <a href="https://example.org/?a=1&amp;b=2">Link</a> <tg-spoiler>x</tg-spoiler> &#128512; <pre><code class="language-go">go</code></pre>`
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": text, "parse_mode": "HTML"}))
	m, ok := s.LastMessage(alice.ID)
	if !ok {
		t.Fatal("no message")
	}
	if m.Text != text || m.ParseMode != "HTML" {
		t.Fatalf("raw text not kept: %q", m.Text)
	}
	if want := "Fett & Link x 😀 go"; m.PlainText != want {
		t.Fatalf("PlainText = %q, want %q", m.PlainText, want)
	}
	want := []fakeapi.Entity{
		{Type: "bold", Offset: 0, Length: 4},
		{Type: "text_link", Offset: 7, Length: 4, URL: "https://example.org/?a=1&b=2"},
		{Type: "spoiler", Offset: 12, Length: 1},
		{Type: "pre", Offset: 17, Length: 2, Language: "go"},
	}
	if len(m.Entities) != len(want) {
		t.Fatalf("entities %+v, want %+v", m.Entities, want)
	}
	for i := range want {
		if m.Entities[i] != want[i] {
			t.Fatalf("entity %d = %+v, want %+v", i, m.Entities[i], want[i])
		}
	}
}

func TestMarkdownV2Accepted(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": `*fett* _kursiv_ \. [Link](https://example.org) ` + "`code`", "parse_mode": "MarkdownV2"}))
	m, _ := s.LastMessage(alice.ID)
	if m.PlainText != "fett kursiv . Link code" || len(m.Entities) != 4 {
		t.Fatalf("unexpected parse result %q %+v", m.PlainText, m.Entities)
	}
	mustFail(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "*open", "parse_mode": "MarkdownV2"}), 400, "Can't find end of Bold entity")
}

func TestTooManyRequestsFault(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	s.InjectFaults("sendMessage", fakeapi.Fault{Status: 429, RetryAfter: 3})
	r := call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "first"})
	mustFail(t, r, http.StatusTooManyRequests, "Too Many Requests: retry after 3")
	if r.Parameters.RetryAfter != 3 {
		t.Fatalf("retry_after = %d, want 3", r.Parameters.RetryAfter)
	}
	if n := len(s.Messages(alice.ID)); n != 0 {
		t.Fatalf("a 429'd message was delivered")
	}
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "second"}))
	if len(s.Rejected()) != 0 {
		t.Fatalf("injected faults must not count as rejected: %+v", s.Rejected())
	}
	calls := s.Calls("sendmessage")
	if len(calls) != 2 || !calls[0].Injected || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("unexpected calls %+v", calls)
	}
	m, _ := s.LastMessage(alice.ID)
	if m.Date.Before(calls[0].At) {
		t.Fatal("delivery time must be after the faulted call")
	}

	// A delay-only fault handles the request normally after the delay; a
	// fault for "" applies to any method but getUpdates.
	s.InjectFaults("", fakeapi.Fault{Delay: 100 * time.Millisecond}, fakeapi.Fault{Status: 502})
	getUpdates(t, s, nil)
	start := time.Now()
	mustOK(t, call(t, s, "getMe", nil))
	if time.Since(start) < 100*time.Millisecond {
		t.Fatal("delay fault was not applied")
	}
	mustFail(t, call(t, s, "sendChatAction", map[string]any{"chat_id": alice.ID, "action": "typing"}), 502, "Bad Gateway")
	mustOK(t, call(t, s, "sendChatAction", map[string]any{"chat_id": alice.ID, "action": "typing"}))
}

// Beyond the rate set with LimitRate, messages are refused with 429 and a retry_after, and
// deliver nothing; other calls are not counted.
func TestLimitRate(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	s.LimitRate(0.5) // one message, then one every two seconds
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "first"}))
	mustOK(t, call(t, s, "getMe", nil))
	r := call(t, s, "copyMessage", map[string]any{"chat_id": alice.ID, "from_chat_id": alice.ID, "message_id": 1})
	mustFail(t, r, http.StatusTooManyRequests, "Too Many Requests: retry after 2")
	if r.Parameters.RetryAfter != 2 {
		t.Fatalf("retry_after = %d, want 2", r.Parameters.RetryAfter)
	}
	if n := len(s.Messages(alice.ID)); n != 1 {
		t.Fatalf("%d messages delivered, want 1", n)
	}
	s.LimitRate(0)
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "second"}))
}

func TestBlockedUser(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	s.Block(alice.ID)
	mustFail(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "x"}), http.StatusForbidden, "Forbidden: bot was blocked by the user")
	if len(s.Rejected()) != 0 {
		t.Fatal("403 is not a validation rejection")
	}
	s.Unblock(alice.ID)
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "x"}))
}

func sendWithButtons(t *testing.T, s *fakeapi.Server, text string, buttons ...[2]string) int {
	t.Helper()
	var row []map[string]any
	for _, b := range buttons {
		row = append(row, map[string]any{"text": b[0], "callback_data": b[1]})
	}
	r := call(t, s, "sendMessage", map[string]any{
		"chat_id":      alice.ID,
		"text":         text,
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{row}},
	})
	mustOK(t, r)
	var m struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(r.Result, &m); err != nil {
		t.Fatal(err)
	}
	return m.MessageID
}

func TestPressAndAnswerCallback(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	older := sendWithButtons(t, s, "older", [2]string{"Deutsch", "lang:de"})
	sendWithButtons(t, s, "newer", [2]string{"Deutsch lernen", "learn"}, [2]string{"English", "lang:en"})

	// Exact match in an older message beats a substring match in a newer one.
	if _, err := s.Press(alice, "Deutsch"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Press(alice, "Engl"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Press(alice, "Français"); !errors.Is(err, fakeapi.ErrNoButton) {
		t.Fatalf("expected ErrNoButton, got %v", err)
	}
	ups := getUpdates(t, s, nil)
	if len(ups) != 3 || ups[1].CallbackQuery == nil || ups[2].CallbackQuery == nil {
		t.Fatalf("unexpected updates %+v", ups)
	}
	first, second := ups[1].CallbackQuery, ups[2].CallbackQuery
	if first.Data != "lang:de" || second.Data != "lang:en" {
		t.Fatalf("wrong data %q %q", first.Data, second.Data)
	}
	var msg struct {
		MessageID   int    `json:"message_id"`
		Text        string `json:"text"`
		ReplyMarkup struct {
			InlineKeyboard [][]struct {
				Text string `json:"text"`
			} `json:"inline_keyboard"`
		} `json:"reply_markup"`
	}
	if err := json.Unmarshal(first.Message, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.MessageID != older || msg.Text != "older" || msg.ReplyMarkup.InlineKeyboard[0][0].Text != "Deutsch" {
		t.Fatalf("callback carries the wrong message: %s", first.Message)
	}

	mustOK(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": first.ID, "text": "ok"}))
	mustFail(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": first.ID}), 400, "query is too old")
	mustFail(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": "123"}), 400, "query is too old")
	mustFail(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": second.ID, "text": strings.Repeat("x", 201)}), 400, "MESSAGE_TOO_LONG")
	if n := len(s.CallbackAnswers()); n != 1 {
		t.Fatalf("CallbackAnswers() = %d, want 1", n)
	}

	// Forged data on a deleted message comes with an inaccessible message.
	mustOK(t, call(t, s, "deleteMessage", map[string]any{"chat_id": alice.ID, "message_id": older}))
	s.PressData(alice, older, "forged")
	ups = getUpdates(t, s, map[string]any{"offset": ups[2].UpdateID + 1})
	if len(ups) != 1 || !strings.Contains(string(ups[0].CallbackQuery.Message), `"date":0`) {
		t.Fatalf("expected an inaccessible message, got %+v", ups)
	}
	if len(s.DeletedMessages(alice.ID)) != 1 || len(s.Messages(alice.ID)) != 1 {
		t.Fatal("deleteMessage did not move the message to the deleted list")
	}
}

func TestEditsReplaceInPlace(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	id := sendWithButtons(t, s, "Frage?", [2]string{"Ja", "yes"})

	edit := map[string]any{"chat_id": alice.ID, "message_id": id, "text": "<b>Danke</b>", "parse_mode": "HTML"}
	mustOK(t, call(t, s, "editMessageText", edit))
	msgs := s.Messages(alice.ID)
	if len(msgs) != 1 {
		t.Fatalf("edit must not add a message, have %d", len(msgs))
	}
	m := msgs[0]
	if m.ID != id || m.PlainText != "Danke" || !m.Edited || m.EditCount != 1 || len(m.Buttons) != 0 {
		t.Fatalf("edit not applied in place: %+v", m)
	}
	mustFail(t, call(t, s, "editMessageText", edit), 400, "message is not modified")
	mustFail(t, call(t, s, "editMessageText", map[string]any{"chat_id": alice.ID, "message_id": id, "text": "<strong>Danke</strong>", "parse_mode": "HTML"}), 400, "message is not modified")

	markup := map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "Zurück", "callback_data": "back"}}}}
	mustOK(t, call(t, s, "editMessageReplyMarkup", map[string]any{"chat_id": alice.ID, "message_id": id, "reply_markup": markup}))
	m, _ = s.LastMessage(alice.ID)
	if len(m.Buttons) != 1 || m.Buttons[0][0] != (fakeapi.Button{Text: "Zurück", Data: "back", Kind: "callback_data"}) || m.EditCount != 2 {
		t.Fatalf("markup not replaced: %+v", m)
	}
	mustFail(t, call(t, s, "editMessageReplyMarkup", map[string]any{"chat_id": alice.ID, "message_id": id, "reply_markup": markup}), 400, "message is not modified")

	userMsg := s.MessageIDOf(s.SendText(alice, "mine"))
	mustFail(t, call(t, s, "editMessageText", map[string]any{"chat_id": alice.ID, "message_id": userMsg, "text": "x"}), 400, "message can't be edited")
	mustFail(t, call(t, s, "editMessageText", map[string]any{"chat_id": alice.ID, "message_id": 999, "text": "x"}), 400, "message to edit not found")
	mustFail(t, call(t, s, "editMessageText", map[string]any{"chat_id": alice.ID, "message_id": id, "text": "x", "reply_markup": map[string]any{"remove_keyboard": true}}), 400, "InlineKeyboardMarkup")

	// A user edit produces an edited_message update.
	if s.EditText(alice, userMsg, "mine, edited") == 0 {
		t.Fatal("EditText failed")
	}
	if s.EditText(alice, id, "not mine") != 0 {
		t.Fatal("a user must not edit the bot's message")
	}
}

func TestCopyMessage(t *testing.T) {
	s := newServer(t)
	bob := fakeapi.User{ID: 2002, FirstName: "Bob"}
	s.SendText(bob, "hi")
	src := s.MessageIDOf(s.SendPhoto(alice, "Bescheid"))
	r := call(t, s, "copyMessage", map[string]any{"chat_id": bob.ID, "from_chat_id": alice.ID, "message_id": src})
	mustOK(t, r)
	if string(r.Result) != `{"message_id":2}` {
		t.Fatalf("unexpected result %s", r.Result)
	}
	m, _ := s.LastMessage(bob.ID)
	if m.Kind != "copy" || m.CopyOf != "photo" || m.Text != "Bescheid" || m.FileID == "" {
		t.Fatalf("unexpected copy %+v", m)
	}
	mustFail(t, call(t, s, "copyMessage", map[string]any{"chat_id": bob.ID, "from_chat_id": alice.ID, "message_id": 99}), 400, "message to copy not found")
	mustFail(t, call(t, s, "copyMessage", map[string]any{"chat_id": bob.ID, "from_chat_id": alice.ID}), 400, "message_id is empty")
}

func TestCommands(t *testing.T) {
	s := newServer(t)
	cmds := []map[string]any{{"command": "start", "description": "Start"}, {"command": "help", "description": "Hilfe"}}
	mustOK(t, call(t, s, "setMyCommands", map[string]any{"commands": cmds, "language_code": "de"}))
	mustOK(t, call(t, s, "setMyCommands", map[string]any{"commands": cmds[:1]}))
	if got := s.Commands("de"); len(got) != 2 || got[1] != (fakeapi.BotCommand{Command: "help", Description: "Hilfe"}) {
		t.Fatalf("Commands(de) = %+v", got)
	}
	if got := s.Commands(""); len(got) != 1 {
		t.Fatalf("Commands() = %+v", got)
	}
	r := call(t, s, "getMyCommands", map[string]any{"language_code": "de"})
	mustOK(t, r)
	if !strings.Contains(string(r.Result), `"command":"help"`) {
		t.Fatalf("getMyCommands = %s", r.Result)
	}
	for _, bad := range []map[string]any{
		{"commands": []map[string]any{{"command": "Start", "description": "x"}}},
		{"commands": []map[string]any{{"command": "start", "description": ""}}},
		{"commands": []map[string]any{{"command": strings.Repeat("a", 33), "description": "x"}}},
		{"commands": []map[string]any{}},
		{"commands": cmds, "language_code": "deu"},
		{"commands": cmds, "language_code": "DE"},
		{},
	} {
		if r := call(t, s, "setMyCommands", bad); r.status != 400 {
			t.Fatalf("setMyCommands(%v) = %d %q, want 400", bad, r.status, r.Description)
		}
	}
	mustOK(t, call(t, s, "deleteMyCommands", map[string]any{"language_code": "de"}))
	if got := s.Commands("de"); len(got) != 0 {
		t.Fatalf("commands not deleted: %+v", got)
	}
}

func TestChatScopedCommands(t *testing.T) {
	s := newServer(t)
	cmds := []map[string]any{{"command": "start", "description": "دەستپێکردن"}}
	// Like Telegram, a chat the bot never saw cannot have a menu.
	mustFail(t, call(t, s, "setMyCommands", map[string]any{"commands": cmds, "scope": map[string]any{"type": "chat", "chat_id": alice.ID}}), 400, "chat not found")
	mustFail(t, call(t, s, "setMyCommands", map[string]any{"commands": cmds, "scope": map[string]any{"type": "chat"}}), 400, "")
	s.SendText(alice, "/start")
	mustOK(t, call(t, s, "setMyCommands", map[string]any{"commands": cmds, "scope": map[string]any{"type": "chat", "chat_id": alice.ID}}))
	scope := "chat:" + strconv.FormatInt(alice.ID, 10)
	if got := s.ScopedCommands(scope, ""); len(got) != 1 || got[0].Description != "دەستپێکردن" {
		t.Fatalf("ScopedCommands(%s) = %+v", scope, got)
	}
	if got := s.Commands(""); len(got) != 0 {
		t.Fatalf("a chat's menu became the default one: %+v", got)
	}
}

func TestRoutingAndEncodings(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")

	r := post(t, s.URL()+"/bot123:wrong/getMe", "application/json", nil)
	mustFail(t, r, http.StatusUnauthorized, "Unauthorized")
	r = call(t, s, "noSuchMethod", nil)
	mustFail(t, r, http.StatusNotFound, "Not Found")

	r = call(t, s, "GETME", nil)
	mustOK(t, r)
	var me struct {
		ID       int64  `json:"id"`
		IsBot    bool   `json:"is_bot"`
		Username string `json:"username"`
	}
	_ = json.Unmarshal(r.Result, &me)
	if me.ID != s.BotID() || !me.IsBot || me.Username != s.BotUsername() {
		t.Fatalf("getMe = %s", r.Result)
	}

	form := url.Values{"chat_id": {strconv.FormatInt(alice.ID, 10)}, "text": {"form"}}
	mustOK(t, post(t, s.URL()+"/bot"+fakeapi.Token+"/sendMessage", "application/x-www-form-urlencoded", []byte(form.Encode())))
	mustOK(t, post(t, s.URL()+"/bot"+fakeapi.Token+"/sendMessage?"+url.Values{"chat_id": {"1001"}, "text": {"query"}}.Encode(), "", nil))

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("chat_id", "1001")
	_ = mw.WriteField("caption", "<i>Datei</i>")
	_ = mw.WriteField("parse_mode", "HTML")
	fw, _ := mw.CreateFormFile("document", "antrag.pdf")
	_, _ = fw.Write([]byte("%PDF-1.4 fake"))
	_ = mw.Close()
	mustOK(t, post(t, s.URL()+"/bot"+fakeapi.Token+"/sendDocument", mw.FormDataContentType(), body.Bytes()))
	m, _ := s.LastMessage(alice.ID)
	if m.Kind != "document" || m.FileName != "antrag.pdf" || string(m.FileData) != "%PDF-1.4 fake" || m.PlainText != "Datei" {
		t.Fatalf("unexpected document %+v", m)
	}
	if texts := []string{s.Messages(alice.ID)[0].Text, s.Messages(alice.ID)[1].Text}; texts[0] != "form" || texts[1] != "query" {
		t.Fatalf("form/query messages: %v", texts)
	}

	// Malformed input never crashes the server.
	for _, raw := range []string{"", "{", "[]", `{"chat_id":{"a":1},"text":["x"]}`, `{"chat_id":1e400}`} {
		r := post(t, s.URL()+"/bot"+fakeapi.Token+"/sendMessage", "application/json", []byte(raw))
		if r.OK || r.status != 400 {
			t.Fatalf("%q: got %d %q", raw, r.status, r.Description)
		}
	}
	r = post(t, s.URL()+"/bot"+fakeapi.Token+"/sendMessage", "multipart/form-data; boundary=x", []byte("garbage"))
	if r.status != 400 {
		t.Fatalf("garbage multipart: %d", r.status)
	}
	for _, c := range s.Calls("") {
		if c.Status >= 500 {
			t.Fatalf("server error: %+v", c)
		}
	}
}

func TestUploadedPhotoIsValidated(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	upload := func(data []byte) response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("chat_id", "1001")
		fw, _ := mw.CreateFormFile("photo", "bild.png")
		_, _ = fw.Write(data)
		_ = mw.Close()
		return post(t, s.URL()+"/bot"+fakeapi.Token+"/sendPhoto", mw.FormDataContentType(), body.Bytes())
	}
	mustFail(t, upload([]byte("not an image")), 400, "IMAGE_PROCESS_FAILED")

	// A photo a user sent can be downloaded and sent back by file_id.
	s.SendPhoto(alice, "")
	ups := getUpdates(t, s, nil)
	var withPhoto struct {
		Message struct {
			Photo []struct {
				FileID string `json:"file_id"`
			} `json:"photo"`
		} `json:"message"`
	}
	_ = json.Unmarshal(ups[1].full, &withPhoto)
	fileID := withPhoto.Message.Photo[1].FileID
	r := call(t, s, "getFile", map[string]any{"file_id": fileID})
	mustOK(t, r)
	var f struct {
		FilePath string `json:"file_path"`
	}
	_ = json.Unmarshal(r.Result, &f)
	resp, err := http.Get(s.URL() + "/file/bot" + fakeapi.Token + "/" + f.FilePath)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	mustOK(t, upload(data))
	mustOK(t, call(t, s, "sendPhoto", map[string]any{"chat_id": alice.ID, "photo": fileID, "caption": "zurück"}))
	mustFail(t, call(t, s, "sendPhoto", map[string]any{"chat_id": alice.ID, "photo": "no-such-file"}), 400, "wrong file identifier")
	mustFail(t, call(t, s, "sendPhoto", map[string]any{"chat_id": alice.ID, "photo": fileID, "caption": strings.Repeat("ä", 1025)}), 400, "caption is too long")
}

func TestGoTelegramBotLibrary(t *testing.T) {
	s := newServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var mu sync.Mutex
	var received []string
	b, err := bot.New(fakeapi.Token, bot.WithServerURL(s.URL()), bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
		if u.Message == nil {
			return
		}
		mu.Lock()
		received = append(received, u.Message.Text)
		mu.Unlock()
		_, _ = b.SendMessage(ctx, &bot.SendMessageParams{
			ChatID:      u.Message.Chat.ID,
			Text:        "Echo: <b>" + u.Message.Text + "</b>",
			ParseMode:   models.ParseModeHTML,
			ReplyMarkup: json.RawMessage(`{"inline_keyboard":[[{"text":"Weiter","callback_data":"next"}]]}`),
		})
	}))
	if err != nil {
		t.Fatal(err)
	}
	go b.Start(ctx)

	s.SendText(alice, "Hallo")
	msgs, ok := s.WaitMessages(alice.ID, 1, 3*time.Second)
	if !ok {
		t.Fatalf("bot did not answer; rejected: %+v", s.Rejected())
	}
	if msgs[0].PlainText != "Echo: Hallo" || msgs[0].Buttons[0][0].Data != "next" {
		t.Fatalf("unexpected answer %+v", msgs[0])
	}

	// The library's InlineKeyboardButton always serializes copy_text, which
	// Telegram rejects; the fake must catch that.
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: alice.ID,
		Text:   "Buttons",
		ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "A", CallbackData: "a"}},
		}},
	})
	if err == nil || !strings.Contains(err.Error(), "copy_text") {
		t.Fatalf("expected a copy_text rejection, got %v", err)
	}

	// 429 reaches the library as a TooManyRequestsError with RetryAfter.
	s.InjectFaults("sendMessage", fakeapi.Fault{Status: 429, RetryAfter: 7})
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "x"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Fatalf("expected TooManyRequestsError, got %v", err)
	}

	doc, err := b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID:   alice.ID,
		Document: &models.InputFileUpload{Filename: "hilfe.txt", Data: strings.NewReader("Hilfe")},
		Caption:  "Infos",
	})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Document == nil || doc.Document.FileName != "hilfe.txt" || doc.Caption != "Infos" {
		t.Fatalf("unexpected document message %+v", doc)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(received) != 1 || received[0] != "Hallo" {
		t.Fatalf("received %v", received)
	}
	if rejected := s.Rejected(); len(rejected) != 1 {
		t.Fatalf("expected only the copy_text rejection, got %+v", rejected)
	}
}

func TestGroupChat(t *testing.T) {
	s := newServer(t)
	s.SendGroupText(alice, 42, "/help@lotse_test_bot")
	ups := getUpdates(t, s, nil)
	if m := ups[0].Message; m.Chat.ID != -42 || m.Chat.Type != "group" || len(m.Entities) != 1 || m.Entities[0].Length != 20 {
		t.Fatalf("unexpected group update %s", ups[0].full)
	}
	if !strings.Contains(string(ups[0].full), `"title":"Test group 42"`) {
		t.Fatalf("group chat has no title: %s", ups[0].full)
	}
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": -42, "text": "Hilfe"}))
	if log := s.ChatLog(-42); len(log) != 2 || log[0].From != "user" || log[1].From != "bot" || log[1].ID != 2 {
		t.Fatalf("unexpected chat log %+v", log)
	}
	if len(s.Messages(alice.ID)) != 0 {
		t.Fatal("group messages must not appear in the private chat")
	}
}

func TestSetSlowAndParamsRecording(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	s.SetSlow(150 * time.Millisecond)
	start := time.Now()
	mustOK(t, call(t, s, "getMe", nil))
	if time.Since(start) < 150*time.Millisecond {
		t.Fatal("SetSlow had no effect")
	}
	s.SetSlow(0)

	sendWithButtons(t, s, "x", [2]string{"A", "a"})
	calls := s.Calls("sendMessage")
	markup, ok := calls[len(calls)-1].Params["reply_markup"].(map[string]any)
	if !ok || markup["inline_keyboard"] == nil {
		t.Fatalf("reply_markup not decoded in Call.Params: %#v", calls[len(calls)-1].Params)
	}
	if chatID := calls[len(calls)-1].Params["chat_id"]; chatID != "1001" {
		t.Fatalf("chat_id recorded as %#v", chatID)
	}
}

// TestGarbageNeverCrashes sends random, often invalid, input to every
// method and checks that the server answers each request with a client
// error or success, never with a server error.
func TestGarbageNeverCrashes(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	id := sendWithButtons(t, s, "x", [2]string{"A", "a"})
	methods := []string{"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "sendDocument",
		"copyMessage", "deleteMessage", "answerCallbackQuery", "setMyCommands", "getMyCommands", "getUpdates",
		"sendChatAction", "setWebhook", "getFile", "setMessageReaction"}
	fragments := []string{"<", ">", "</b>", "<b>", "&", "&#", "&#x;", "&#1114112;", "&amp;", "<a href=", "'", `"`,
		"*", "_", "__", "~", "||", "`", "```", "[", "](", ")", "\\", "!", ">", "\xff", "\xe2\x82", "😀", "ü",
		"/start", "\n", " ", "{", "}", "[]", `{"inline_keyboard":`, `[[{"text":"a","callback_data":`, "null", "1", "-1", "true",
		`[{"type":"emoji","emoji":"👍"}]`, `{"type":`, `"emoji"`, `"custom_emoji"`, "❤", "\ufe0f"}
	rng := newRand(1)
	randomText := func() string {
		var b strings.Builder
		for n := rng.intn(12); n >= 0; n-- {
			b.WriteString(fragments[rng.intn(len(fragments))])
		}
		return b.String()
	}
	fields := []string{"chat_id", "text", "parse_mode", "reply_markup", "message_id", "from_chat_id", "caption",
		"callback_query_id", "commands", "language_code", "scope", "offset", "limit", "allowed_updates", "action",
		"photo", "document", "url", "file_id", "entities", "reply_parameters", "show_alert", "reaction", "is_big"}
	modes := []string{"HTML", "MarkdownV2", "Markdown", "", "html"}
	for i := 0; i < 1500; i++ {
		form := url.Values{}
		for _, f := range fields {
			switch rng.intn(4) {
			case 0:
				form.Set(f, randomText())
			case 1:
				form.Set(f, strconv.Itoa(rng.intn(5)-1+int(alice.ID)*rng.intn(2)))
			}
		}
		form.Set("parse_mode", modes[rng.intn(len(modes))])
		if rng.intn(2) == 0 {
			form.Set("chat_id", "1001")
			form.Set("message_id", strconv.Itoa(id))
		}
		method := methods[rng.intn(len(methods))]
		r := post(t, s.URL()+"/bot"+fakeapi.Token+"/"+method, "application/x-www-form-urlencoded", []byte(form.Encode()))
		if r.status >= 500 || (r.status != 200 && r.OK) {
			t.Fatalf("%s(%v) = %d %q", method, form, r.status, r.Description)
		}
	}
}

// rand is a tiny deterministic generator, so the test does not depend on
// math/rand's algorithm.
type rand struct{ state uint64 }

func newRand(seed uint64) *rand { return &rand{state: seed} }

func (r *rand) intn(n int) int {
	r.state = r.state*6364136223846793005 + 1442695040888963407
	return int((r.state >> 33) % uint64(n))
}

func TestUserActionsProduceRealUpdateJSON(t *testing.T) {
	s := newServer(t)
	first := s.MessageIDOf(s.SendText(alice, "Frage"))
	s.ReplyText(alice, first, "Antwort")
	s.SendSticker(alice)
	s.SendDocument(alice, "brief.pdf", []byte("%PDF"), "Mein Brief")
	s.SendVoice(alice)
	ups := getUpdates(t, s, nil)
	if len(ups) != 5 {
		t.Fatalf("got %d updates", len(ups))
	}
	want := []string{
		`"reply_to_message":{"message_id":1,`,
		`"sticker":{"file_id":"`,
		`"document":{"file_id":"`,
		`"voice":{"file_id":"`,
	}
	for i, w := range want {
		if !strings.Contains(string(ups[i+1].full), w) {
			t.Fatalf("update %d lacks %s: %s", i+1, w, ups[i+1].full)
		}
	}
	for _, w := range []string{`"type":"regular"`, `"is_animated":false`, `"file_name":"brief.pdf"`, `"mime_type":"application/pdf"`, `"caption":"Mein Brief"`, `"duration":`} {
		found := false
		for _, u := range ups {
			found = found || strings.Contains(string(u.full), w)
		}
		if !found {
			t.Fatalf("no update contains %s", w)
		}
	}
	if log := s.ChatLog(alice.ID); len(log) != 5 || log[1].ReplyTo != 1 || log[3].FileName != "brief.pdf" {
		t.Fatalf("unexpected chat log %+v", log)
	}
}

func TestAllowedUpdatesNegativeOffsetAndWebhook(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "one")
	s.SendText(alice, "two")
	s.SendText(alice, "three")
	ups := getUpdates(t, s, map[string]any{"offset": -1})
	if len(ups) != 1 || ups[0].Message.Text != "three" {
		t.Fatalf("negative offset: %+v", ups)
	}
	id := s.SendText(alice, "four")
	s.PressData(alice, 1, "x")
	ups = getUpdates(t, s, map[string]any{"offset": id, "allowed_updates": []string{"callback_query"}})
	if len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("allowed_updates not applied: %+v", ups)
	}
	// An empty list restores the default set.
	s.SendText(alice, "five")
	ups = getUpdates(t, s, map[string]any{"offset": ups[0].UpdateID + 1, "allowed_updates": []string{}})
	if len(ups) != 1 || ups[0].Message.Text != "five" {
		t.Fatalf("default allowed_updates: %+v", ups)
	}

	mustFail(t, call(t, s, "setWebhook", map[string]any{"url": "http://insecure.example"}), 400, "HTTPS")
	mustOK(t, call(t, s, "setWebhook", map[string]any{"url": "https://bot.example/hook"}))
	if s.WebhookURL() != "https://bot.example/hook" {
		t.Fatal("webhook not stored")
	}
	mustFail(t, call(t, s, "getUpdates", nil), http.StatusConflict, "webhook is active")
	r := call(t, s, "deleteWebhook", map[string]any{"drop_pending_updates": true})
	mustOK(t, r)
	if r.Description != "Webhook was deleted" || s.PendingUpdates() != 0 {
		t.Fatalf("deleteWebhook: %q, %d pending", r.Description, s.PendingUpdates())
	}
	r = call(t, s, "getWebhookInfo", nil)
	mustOK(t, r)
	if string(r.Result) != `{"url":"","has_custom_certificate":false,"pending_update_count":0}` {
		t.Fatalf("getWebhookInfo = %s", r.Result)
	}
}

func TestLegacyMarkdownAndExplicitEntities(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "*fett* _kursiv_ [Link](https://example.org) ```\ncode```", "parse_mode": "Markdown"}))
	m, _ := s.LastMessage(alice.ID)
	if m.PlainText != "fett kursiv Link code" || len(m.Entities) != 4 || m.Entities[2].URL != "https://example.org" {
		t.Fatalf("legacy markdown: %q %+v", m.PlainText, m.Entities)
	}
	mustFail(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "*open", "parse_mode": "Markdown"}), 400, "Can't find end of the entity")

	entities := []map[string]any{{"type": "bold", "offset": 0, "length": 4}}
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "fett!", "entities": entities}))
	m, _ = s.LastMessage(alice.ID)
	if len(m.Entities) != 1 || m.Entities[0].Type != "bold" {
		t.Fatalf("explicit entities: %+v", m.Entities)
	}
	entities[0]["length"] = 10
	mustFail(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "fett!", "entities": entities}), 400, "beyond the end")
}

// FuzzSendMessage checks that no text, parse mode or markup makes the
// server fail with a server error. Run with -fuzz=FuzzSendMessage to search
// beyond the seeds.
func FuzzSendMessage(f *testing.F) {
	f.Add("<b>x</b>", "HTML", `{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}`)
	f.Add("<a href=\"x\">&#x1F600;</a><pre><code class=\"language-go\">x</code></pre>", "HTML", "")
	f.Add("*a* _b_ __c__ ~d~ ||e|| `f` ```go\ng``` [h](i) ![x](tg://emoji?id=1) \\.", "MarkdownV2", `{"keyboard":[["a"]]}`)
	f.Add("*a* _b_ `c` ```d``` [e](f)", "Markdown", `{"force_reply":true}`)
	f.Add("/start \xff", "", `{"remove_keyboard":true,"keyboard":[]}`)
	s := fakeapi.New()
	defer s.Close()
	s.SendText(alice, "hi")
	f.Fuzz(func(t *testing.T, text, parseMode, markup string) {
		form := url.Values{"chat_id": {"1001"}, "text": {text}, "parse_mode": {parseMode}, "reply_markup": {markup}}
		r, err := tryPost(s.URL()+"/bot"+fakeapi.Token+"/sendMessage", "application/x-www-form-urlencoded", []byte(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		if r.status != 200 && r.status != 400 {
			t.Fatalf("status %d: %s", r.status, r.Description)
		}
	})
}

func TestSendPhotoDataCarriesTheImage(t *testing.T) {
	s := newServer(t)
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 30, 20))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendPhotoData(alice, []byte("not an image"), ""); err == nil {
		t.Fatal("a text file was sent as a photo")
	}
	id, err := s.SendPhotoData(alice, img.Bytes(), "Bescheid")
	if err != nil {
		t.Fatal(err)
	}
	ups := getUpdates(t, s, nil)
	if len(ups) != 1 || !strings.Contains(string(ups[0].full), `"width":30,"height":20`) || !strings.Contains(string(ups[0].full), `"caption":"Bescheid"`) {
		t.Fatalf("updates %d, first %s", len(ups), ups[0].full)
	}
	m, ok := s.MessageByID(alice.ID, s.MessageIDOf(id))
	if !ok || m.Kind != "photo" || !bytes.Equal(m.FileData, img.Bytes()) {
		t.Fatalf("stored photo %+v", m)
	}
}

func TestReceivedKeepsEveryVersionAndPopup(t *testing.T) {
	s := newServer(t)
	s.SendText(alice, "hi")
	id := sendWithButtons(t, s, "Wann?", [2]string{"09:00", "slot:1"})
	mustOK(t, call(t, s, "editMessageText", map[string]any{"chat_id": alice.ID, "message_id": id, "text": "Worum?"}))
	if _, err := s.Press(alice, "09:00"); !errors.Is(err, fakeapi.ErrNoButton) {
		t.Fatalf("the edit kept a button: %v", err)
	}
	s.PressData(alice, id, "forged")
	ups := getUpdates(t, s, nil)
	mustOK(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": ups[len(ups)-1].CallbackQuery.ID, "text": "Nicht mehr gültig"}))
	mustOK(t, call(t, s, "deleteMessage", map[string]any{"chat_id": alice.ID, "message_id": id}))

	got := s.Received(alice.ID)
	if len(got) != 3 {
		t.Fatalf("Received has %d entries, want the message, its edit and the pop-up: %+v", len(got), got)
	}
	if got[0].Text != "Wann?" || len(got[0].Buttons) != 1 || got[0].Buttons[0][0].Data != "slot:1" {
		t.Errorf("the first version is %q %v", got[0].Text, got[0].Buttons)
	}
	if got[1].Text != "Worum?" || len(got[1].Buttons) != 0 || !got[1].Edited {
		t.Errorf("the edit is %q %v", got[1].Text, got[1].Buttons)
	}
	if got[2].Kind != "popup" || got[2].Text != "Nicht mehr gültig" {
		t.Errorf("the pop-up is %+v", got[2])
	}
	if len(s.Messages(alice.ID)) != 0 {
		t.Errorf("Messages still shows the deleted message")
	}
}

func TestBlockingAndUnblockingSendMyChatMember(t *testing.T) {
	s := newServer(t)
	s.Block(bob.ID) // never chatted with the bot: Telegram has nothing to tell
	s.SendText(alice, "/start")
	s.Block(alice.ID)
	s.Block(alice.ID) // blocking twice changes nothing
	s.Unblock(alice.ID)
	ups := getUpdates(t, s, map[string]any{"allowed_updates": []string{"message", "my_chat_member"}})
	var statuses []string
	for _, u := range ups {
		var m struct {
			MyChatMember *struct {
				Chat struct {
					ID   int64  `json:"id"`
					Type string `json:"type"`
				} `json:"chat"`
				From          struct{ ID int64 }      `json:"from"`
				OldChatMember struct{ Status string } `json:"old_chat_member"`
				NewChatMember struct {
					Status string
					User   struct {
						IsBot bool `json:"is_bot"`
					}
				} `json:"new_chat_member"`
			} `json:"my_chat_member"`
		}
		if err := json.Unmarshal(u.full, &m); err != nil {
			t.Fatal(err)
		}
		if mm := m.MyChatMember; mm != nil {
			if mm.Chat.ID != alice.ID || mm.Chat.Type != "private" || mm.From.ID != alice.ID || !mm.NewChatMember.User.IsBot {
				t.Errorf("my_chat_member update %s", u.full)
			}
			statuses = append(statuses, mm.OldChatMember.Status+"→"+mm.NewChatMember.Status)
		}
	}
	if got := strings.Join(statuses, " "); got != "member→kicked kicked→member" {
		t.Errorf("my_chat_member updates %q, want a block and an unblock of Alice", got)
	}
}
