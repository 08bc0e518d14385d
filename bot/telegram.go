package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// botAPI calls the Bot API. Every method that uploads no file goes out as one JSON body,
// and only what Lotse uses is read back from the answer: a message's id, the bot's name,
// updates as raw JSON (parsed once, by the intake). A failure comes with Telegram's own
// error_code, description and retry_after. Parameters are go-telegram/bot's types, whose JSON
// names are the Bot API's. Files (a photo, a document) go through go-telegram/bot, which
// encodes them as multipart forms.
type botAPI struct {
	base  string       // APIURL + "/bot" + token + "/"
	calls *http.Client // every call but getUpdates
	polls *http.Client // getUpdates: its long poll outlasts a call's timeout
	files *tg.Bot      // uploads
}

// response is the Bot API's answer to every call.
type response[T any] struct {
	OK          bool   `json:"ok"`
	Result      T      `json:"result"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// sentMessage is what Lotse keeps of a Message or MessageId Telegram returns.
type sentMessage struct {
	ID int `json:"message_id"`
}

// maxResponse bounds what is read of one answer: a hundred updates with long texts fit.
const maxResponse = 64 << 20

// call posts params to method as JSON and decodes the result into a T.
func call[T any](ctx context.Context, api *botAPI, method string, params any) (T, *apiError) {
	var r response[T]
	body, err := json.Marshal(params)
	if err != nil {
		return r.Result, &apiError{Method: method, Code: http.StatusBadRequest, Description: "parameters: " + err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api.base+method, bytes.NewReader(body))
	if err != nil {
		return r.Result, &apiError{Method: method, Err: errors.New("request not made")}
	}
	req.Header.Set("Content-Type", "application/json")
	client := api.calls
	if method == "getUpdates" {
		client = api.polls
	}
	resp, err := client.Do(req)
	if err != nil {
		return r.Result, &apiError{Method: method, Err: withoutURL(ctx, err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return r.Result, &apiError{Method: method, Err: withoutURL(ctx, err)}
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r.Result, &apiError{Method: method, Code: resp.StatusCode, Description: "response is not JSON"}
	}
	if !r.OK {
		return r.Result, &apiError{Method: method, Code: r.ErrorCode, Description: r.Description, RetryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
	}
	return r.Result, nil
}

// withoutURL is the cause of a failed request without the request's address, which holds
// the token and must never reach a log.
func withoutURL(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var u *url.Error
	if errors.As(err, &u) {
		err = u.Err
	}
	if errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err) {
		return errors.New("timed out")
	}
	return err
}

// send posts a call whose result is a message and returns the message's id.
func (api *botAPI) send(ctx context.Context, method string, params any) (int, *apiError) {
	m, err := call[sentMessage](ctx, api, method, params)
	return m.ID, err
}

// do posts a call whose result is only True.
func (api *botAPI) do(ctx context.Context, method string, params any) *apiError {
	_, err := call[bool](ctx, api, method, params)
	return err
}

// username asks Telegram for the bot's username (getMe).
func (api *botAPI) username(ctx context.Context) (string, *apiError) {
	me, err := call[struct {
		Username string `json:"username"`
	}](ctx, api, "getMe", struct{}{})
	return me.Username, err
}

// commandsParams are setMyCommands' parameters. go-telegram/bot's own type encodes the
// scope's type only in its multipart forms, so this one says it in JSON.
type commandsParams struct {
	Commands     []models.BotCommand `json:"commands"`
	Scope        *chatScope          `json:"scope,omitempty"`
	LanguageCode string              `json:"language_code,omitempty"`
}

// chatScope is a BotCommandScopeChat.
type chatScope struct {
	Type   string `json:"type"` // always "chat"
	ChatID int64  `json:"chat_id"`
}

// getUpdates long-polls for updates after offset.
func (api *botAPI) getUpdates(ctx context.Context, offset int64, wait time.Duration) ([]json.RawMessage, *apiError) {
	return call[[]json.RawMessage](ctx, api, "getUpdates", map[string]any{
		"offset":          offset,
		"timeout":         int(wait / time.Second),
		"limit":           100,
		"allowed_updates": allowedUpdates,
	})
}

// apiError is a failed Bot API call, classified for the sender and the intake.
type apiError struct {
	Method      string
	Code        int // HTTP-like error code from Telegram, 0 for network errors
	Description string
	RetryAfter  time.Duration
	Err         error
}

func (e *apiError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("%s: %v", e.Method, e.Err)
	}
	return fmt.Sprintf("%s: %d %s", e.Method, e.Code, e.Description)
}

func (e *apiError) Unwrap() error { return e.Err }

// classify turns an error of the go-telegram/bot library into an apiError. The library
// reports 5xx only as text, so everything it does not type is treated as temporary.
func classify(method string, err error) *apiError {
	var tooMany *tg.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		return &apiError{Method: method, Code: http.StatusTooManyRequests, Description: tooMany.Message, RetryAfter: time.Duration(tooMany.RetryAfter) * time.Second, Err: err}
	case errors.Is(err, tg.ErrorForbidden):
		return &apiError{Method: method, Code: http.StatusForbidden, Description: strings.TrimPrefix(err.Error(), tg.ErrorForbidden.Error()+", "), Err: err}
	case errors.Is(err, tg.ErrorBadRequest):
		return &apiError{Method: method, Code: http.StatusBadRequest, Description: strings.TrimPrefix(err.Error(), tg.ErrorBadRequest.Error()+", "), Err: err}
	case errors.Is(err, tg.ErrorUnauthorized):
		return &apiError{Method: method, Code: http.StatusUnauthorized, Description: "unauthorized", Err: err}
	case errors.Is(err, tg.ErrorNotFound):
		return &apiError{Method: method, Code: http.StatusNotFound, Description: "not found", Err: err}
	}
	return &apiError{Method: method, Err: err}
}

// allowedUpdates are the update types Lotse handles.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}
