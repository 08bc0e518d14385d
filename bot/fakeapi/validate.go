package fakeapi

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// This file validates reply markup and other structured parameters. The
// rules follow the Bot API reference; where Telegram silently picks one
// interpretation of an ambiguous value (a button with two actions, an empty
// optional object) the fake rejects it, so that a bot passing against the
// fake does not rely on undocumented behaviour.

// Button is one inline keyboard button as the user sees it.
type Button struct {
	Text string
	Data string // callback_data
	URL  string // url, or the URL of a web_app or login_url button
	// Kind is the button's action field: "callback_data", "url", "web_app",
	// "login_url", "switch_inline_query", "switch_inline_query_current_chat",
	// "switch_inline_query_chosen_chat", "copy_text", "callback_game" or "pay".
	Kind string
}

// replyMarkup is a validated reply_markup parameter.
type replyMarkup struct {
	inline     [][]Button
	inlineJSON json.RawMessage // canonical {"inline_keyboard":[...]} for messages
	keyboard   [][]string
	remove     bool
	forceReply bool
}

// Limits on inline keyboards.
const (
	maxInlineButtons       = 100
	maxInlineButtonsPerRow = 8
)

var markupKinds = []string{"inline_keyboard", "keyboard", "remove_keyboard", "force_reply"}

// inlineActions lists the mutually exclusive action fields of an
// InlineKeyboardButton.
var inlineActions = []string{
	"url", "callback_data", "web_app", "login_url",
	"switch_inline_query", "switch_inline_query_current_chat",
	"switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
}

// parseReplyMarkup validates the reply_markup parameter. With inlineOnly,
// only an InlineKeyboardMarkup is accepted (edit methods).
func parseReplyMarkup(q *request, inlineOnly bool) (*replyMarkup, *apiError) {
	raw, ok := q.args["reply_markup"]
	if !ok || strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	value, err := decodeJSON(raw)
	if err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	obj, ok := value.(map[string]any)
	if !ok {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	var kinds []string
	for _, kind := range markupKinds {
		if _, ok := obj[kind]; ok {
			kinds = append(kinds, kind)
		}
	}
	if len(kinds) == 0 {
		return nil, badRequest("can't parse reply keyboard markup JSON object: expected one of %s", strings.Join(markupKinds, ", "))
	}
	if len(kinds) > 1 {
		return nil, badRequest("reply markup must be exactly one kind of markup, found both %q and %q", kinds[0], kinds[1])
	}
	if inlineOnly && kinds[0] != "inline_keyboard" {
		return nil, badRequest("reply_markup must be an InlineKeyboardMarkup, found %q", kinds[0])
	}
	switch kinds[0] {
	case "inline_keyboard":
		return parseInlineKeyboard(obj["inline_keyboard"])
	case "keyboard":
		return parseReplyKeyboard(obj)
	case "remove_keyboard":
		if v, ok := obj["remove_keyboard"].(bool); !ok || !v {
			return nil, badRequest("can't parse ReplyKeyboardRemove: field \"remove_keyboard\" must be True")
		}
		if err := checkJSONBools(obj, "ReplyKeyboardRemove", "selective"); err != nil {
			return nil, err
		}
		return &replyMarkup{remove: true}, nil
	default:
		if v, ok := obj["force_reply"].(bool); !ok || !v {
			return nil, badRequest("can't parse ForceReply: field \"force_reply\" must be True")
		}
		if err := checkJSONBools(obj, "ForceReply", "selective"); err != nil {
			return nil, err
		}
		if err := checkPlaceholder(obj, "ForceReply"); err != nil {
			return nil, err
		}
		return &replyMarkup{forceReply: true}, nil
	}
}

func parseInlineKeyboard(value any) (*replyMarkup, *apiError) {
	rows, ok := value.([]any)
	if !ok {
		return nil, badRequest("can't parse inline keyboard: field \"inline_keyboard\" must be an Array of Arrays of InlineKeyboardButton")
	}
	markup := &replyMarkup{inline: [][]Button{}}
	total := 0
	for r, rowValue := range rows {
		row, ok := rowValue.([]any)
		if !ok {
			return nil, badRequest("can't parse inline keyboard: row %d must be an Array of InlineKeyboardButton", r+1)
		}
		if len(row) == 0 {
			return nil, badRequest("can't parse inline keyboard: row %d is empty", r+1)
		}
		if len(row) > maxInlineButtonsPerRow {
			return nil, badRequest("too many buttons in inline keyboard row %d: %d, at most %d allowed", r+1, len(row), maxInlineButtonsPerRow)
		}
		buttons := make([]Button, 0, len(row))
		for c, buttonValue := range row {
			total++
			button, err := parseInlineButton(buttonValue, r, c)
			if err != nil {
				return nil, err
			}
			buttons = append(buttons, button)
		}
		markup.inline = append(markup.inline, buttons)
	}
	if total > maxInlineButtons {
		return nil, badRequest("reply markup is too long: %d inline buttons, at most %d allowed", total, maxInlineButtons)
	}
	canonical, err := json.Marshal(map[string]any{"inline_keyboard": rows})
	if err != nil {
		return nil, badRequest("can't parse inline keyboard")
	}
	markup.inlineJSON = canonical
	return markup, nil
}

func parseInlineButton(value any, row, col int) (Button, *apiError) {
	where := fmt.Sprintf("row %d, button %d", row+1, col+1)
	fail := func(format string, args ...any) (Button, *apiError) {
		return Button{}, badRequest("can't parse inline keyboard button (%s): %s", where, fmt.Sprintf(format, args...))
	}
	obj, ok := value.(map[string]any)
	if !ok {
		return fail("InlineKeyboardButton must be an Object")
	}
	text, ok := obj["text"].(string)
	if !ok {
		return fail("field \"text\" must be of type String")
	}
	if strings.TrimSpace(text) == "" {
		return fail("button text must be non-empty")
	}
	if err := checkButtonStyle(obj); err != "" {
		return fail("%s", err)
	}

	var actions []string
	for _, name := range inlineActions {
		v, present := obj[name]
		if !present || v == nil {
			continue
		}
		if b, isBool := v.(bool); name == "pay" && isBool && !b {
			continue // "pay": false is simply not a pay button
		}
		actions = append(actions, name)
	}
	if len(actions) == 0 {
		return fail("Text buttons are unallowed in the inline keyboard; set exactly one of %s", strings.Join(inlineActions, ", "))
	}
	if len(actions) > 1 {
		return fail("a button must have exactly one action field, found %s", strings.Join(actions, " and "))
	}

	button := Button{Text: text, Kind: actions[0]}
	v := obj[actions[0]]
	switch actions[0] {
	case "url":
		s, ok := v.(string)
		if !ok || !validButtonURL(s, false) {
			return fail("BUTTON_URL_INVALID: url must be an http(s):// or tg:// URL")
		}
		button.URL = s
	case "callback_data":
		s, ok := v.(string)
		if !ok {
			return fail("field \"callback_data\" must be of type String")
		}
		if len(s) < 1 || len(s) > maxCallbackData {
			return fail("BUTTON_DATA_INVALID: callback_data must be 1-%d bytes, got %d bytes", maxCallbackData, len(s))
		}
		button.Data = s
	case "web_app", "login_url":
		o, ok := v.(map[string]any)
		if !ok {
			return fail("field %q must be an Object", actions[0])
		}
		s, _ := o["url"].(string)
		if !validButtonURL(s, true) {
			return fail("%s.url must be an HTTPS URL", actions[0])
		}
		button.URL = s
	case "switch_inline_query", "switch_inline_query_current_chat":
		if _, ok := v.(string); !ok {
			return fail("field %q must be of type String", actions[0])
		}
	case "switch_inline_query_chosen_chat":
		if _, ok := v.(map[string]any); !ok {
			return fail("field \"switch_inline_query_chosen_chat\" must be an Object")
		}
	case "copy_text":
		o, ok := v.(map[string]any)
		if !ok {
			return fail("field \"copy_text\" must be an Object")
		}
		s, _ := o["text"].(string)
		if n := utf16Len(s); n < 1 || n > maxCopyTextLength {
			return fail("copy_text.text must be 1-%d characters, got %d", maxCopyTextLength, n)
		}
	case "callback_game":
		if _, ok := v.(map[string]any); !ok {
			return fail("field \"callback_game\" must be an Object")
		}
		if row != 0 || col != 0 {
			return fail("a callback_game button must be the first button in the first row")
		}
	case "pay":
		if _, ok := v.(bool); !ok {
			return fail("field \"pay\" must be of type Boolean")
		}
		if row != 0 || col != 0 {
			return fail("a pay button must be the first button in the first row")
		}
	}
	return button, nil
}

func checkButtonStyle(obj map[string]any) string {
	v, ok := obj["style"]
	if !ok || v == nil {
		return ""
	}
	switch v {
	case "danger", "success", "primary":
		return ""
	}
	return "style must be one of \"danger\", \"success\" or \"primary\""
}

func parseReplyKeyboard(obj map[string]any) (*replyMarkup, *apiError) {
	rows, ok := obj["keyboard"].([]any)
	if !ok {
		return nil, badRequest("can't parse keyboard: field \"keyboard\" must be an Array of Arrays of KeyboardButton")
	}
	if err := checkJSONBools(obj, "ReplyKeyboardMarkup", "is_persistent", "resize_keyboard", "one_time_keyboard", "selective"); err != nil {
		return nil, err
	}
	if err := checkPlaceholder(obj, "ReplyKeyboardMarkup"); err != nil {
		return nil, err
	}
	markup := &replyMarkup{keyboard: [][]string{}}
	for r, rowValue := range rows {
		row, ok := rowValue.([]any)
		if !ok {
			return nil, badRequest("can't parse keyboard: row %d must be an Array of KeyboardButton", r+1)
		}
		if len(row) == 0 {
			return nil, badRequest("can't parse keyboard: row %d is empty", r+1)
		}
		texts := make([]string, 0, len(row))
		for c, buttonValue := range row {
			var text string
			switch b := buttonValue.(type) {
			case string:
				text = b
			case map[string]any:
				text, _ = b["text"].(string)
				if msg := checkButtonStyle(b); msg != "" {
					return nil, badRequest("can't parse keyboard button (row %d, button %d): %s", r+1, c+1, msg)
				}
			default:
				return nil, badRequest("can't parse keyboard button (row %d, button %d): KeyboardButton must be a String or an Object", r+1, c+1)
			}
			if strings.TrimSpace(text) == "" {
				return nil, badRequest("can't parse keyboard button (row %d, button %d): button text must be non-empty", r+1, c+1)
			}
			texts = append(texts, text)
		}
		markup.keyboard = append(markup.keyboard, texts)
	}
	if len(markup.keyboard) == 0 {
		return nil, badRequest("can't parse keyboard: keyboard must have at least one button")
	}
	return markup, nil
}

func checkJSONBools(obj map[string]any, typeName string, names ...string) *apiError {
	for _, name := range names {
		v, ok := obj[name]
		if !ok || v == nil {
			continue
		}
		if _, isBool := v.(bool); !isBool {
			return badRequest("can't parse %s: field %q must be of type Boolean", typeName, name)
		}
	}
	return nil
}

func checkPlaceholder(obj map[string]any, typeName string) *apiError {
	v, ok := obj["input_field_placeholder"]
	if !ok || v == nil {
		return nil
	}
	s, isString := v.(string)
	if !isString || utf16Len(s) > 64 {
		return badRequest("can't parse %s: input_field_placeholder must be a String of 0-64 characters", typeName)
	}
	return nil
}

// validButtonURL accepts http(s) URLs with a host, and tg:// links unless
// httpsOnly is set.
func validButtonURL(s string, httpsOnly bool) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return u.Host != ""
	case "http":
		return !httpsOnly && u.Host != ""
	case "tg":
		return !httpsOnly && (u.Host != "" || u.Opaque != "")
	}
	return false
}

// jsonInt reads an integer out of a decoded JSON value.
func jsonInt(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		f, err := n.Float64()
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, false
		}
		return int64(f), true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int64(n), true
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// chatRef is a parsed chat_id parameter: a numeric id or an @username.
type chatRef struct {
	id       int64
	username string
}

// parseChatRef parses a chat_id-like parameter.
func parseChatRef(raw, name string) (chatRef, *apiError) {
	if raw == "" {
		return chatRef{}, badRequest("%s is empty", name)
	}
	if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
		if id == 0 {
			return chatRef{}, errChatNotFound()
		}
		return chatRef{id: id}, nil
	}
	if user, ok := strings.CutPrefix(raw, "@"); ok && validUsername(user) {
		return chatRef{username: user}, nil
	}
	return chatRef{}, badRequest("invalid %s %q: expected an integer or an @username", name, truncate(raw, 40))
}

func validUsername(s string) bool {
	if len(s) < 4 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isCommandByte(s[i]) {
			return false
		}
	}
	return true
}
