package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// telegram is the part of the Bot API that Lotse calls through go-telegram/bot: the bot's
// own name, the webhook, the command menus, and what the sender sends. getUpdates Lotse
// calls itself (see poller).
type telegram interface {
	GetMe(ctx context.Context) (*models.User, error)
	DeleteWebhook(ctx context.Context, params *tg.DeleteWebhookParams) (bool, error)
	SetWebhook(ctx context.Context, params *tg.SetWebhookParams) (bool, error)
	SetMyCommands(ctx context.Context, params *tg.SetMyCommandsParams) (bool, error)
	messenger
}

// messenger is the part of the Bot API the sender calls.
type messenger interface {
	SendMessage(ctx context.Context, params *tg.SendMessageParams) (*models.Message, error)
	EditMessageText(ctx context.Context, params *tg.EditMessageTextParams) (*models.Message, error)
	CopyMessage(ctx context.Context, params *tg.CopyMessageParams) (*models.MessageID, error)
	SendPhoto(ctx context.Context, params *tg.SendPhotoParams) (*models.Message, error)
	SendDocument(ctx context.Context, params *tg.SendDocumentParams) (*models.Message, error)
	AnswerCallbackQuery(ctx context.Context, params *tg.AnswerCallbackQueryParams) (bool, error)
	SetMessageReaction(ctx context.Context, params *tg.SetMessageReactionParams) (bool, error)
	SetMyCommands(ctx context.Context, params *tg.SetMyCommandsParams) (bool, error)
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

// poller calls getUpdates itself: the library's polling loop confirms updates before they
// are handled, and Lotse must confirm only what it journaled.
type poller struct {
	url    string // base URL + "/bot" + token + "/getUpdates"
	client *http.Client
}

type updatesResponse struct {
	OK          bool              `json:"ok"`
	Result      []json.RawMessage `json:"result"`
	ErrorCode   int               `json:"error_code"`
	Description string            `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// allowedUpdates are the update types Lotse handles.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// getUpdates long-polls for updates after offset.
func (p *poller) getUpdates(ctx context.Context, offset int64, wait time.Duration) ([]json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(wait / time.Second),
		"limit":           100,
		"allowed_updates": allowedUpdates,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return nil, &apiError{Method: "getUpdates", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		// The error text holds the URL, and the URL holds the token: never pass it on.
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &apiError{Method: "getUpdates", Err: errors.New("request failed")}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, &apiError{Method: "getUpdates", Err: errors.New("reading the response failed")}
	}
	var r updatesResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, &apiError{Method: "getUpdates", Code: resp.StatusCode, Description: "response is not JSON"}
	}
	if !r.OK {
		return nil, &apiError{Method: "getUpdates", Code: r.ErrorCode, Description: r.Description, RetryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
	}
	return r.Result, nil
}
