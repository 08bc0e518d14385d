package bot

import (
	"testing"

	"github.com/lotse-bot/lotse/flows"
)

func TestRefusalsAreSortedExplicitly(t *testing.T) {
	for _, tc := range []struct {
		kind flows.OutKind
		code int
		desc string
		want refusal
	}{
		{flows.OutCopy, 400, "Bad Request: chat not found", unreachable},
		{flows.OutSend, 403, "Forbidden: bot was blocked by the user", unreachable},
		{flows.OutSend, 403, "Forbidden: user is deactivated", unreachable},
		{flows.OutSend, 403, "Forbidden: bot can't initiate conversation with a user", unreachable},
		{flows.OutSend, 403, "Forbidden: a reason Telegram adds next year", unreachable},
		{flows.OutEdit, 400, "Bad Request: chat not found", unreachable},
		{flows.OutSend, 400, "Bad Request: message is too long", dropOwn},
		{flows.OutSend, 400, "Bad Request: can't parse entities: unexpected end tag", dropOwn},
		{flows.OutCopy, 400, "Bad Request: message to copy not found", dropOwn},
		{flows.OutAnswer, 400, "Bad Request: query is too old and response timeout expired", dropOwn},
		{flows.OutAnswer, 403, "Forbidden: bot was blocked by the user", dropOwn},
		{flows.OutReact, 400, "Bad Request: REACTION_INVALID", dropOwn},
		{flows.OutEdit, 400, "Bad Request: message is not modified: specified new message content", done},
		{flows.OutEdit, 400, "Bad Request: message to edit not found", asNew},
		{flows.OutSend, 429, "Too Many Requests: retry after 5", retry},
		{flows.OutSend, 502, "Bad Gateway", retry},
		{flows.OutSend, 0, "", retry},
		{flows.OutSend, 401, "Unauthorized", retry},
		// A text Lotse has never seen is never taken for its own mistake.
		{flows.OutSend, 400, "Bad Request: SOMETHING_NEW_HAPPENED", unknown},
		{flows.OutCopy, 400, "Bad Request: USER_RESTRICTED_IN_A_NEW_WAY", unknown},
	} {
		if got := classifyRefusal(tc.kind, &apiError{Method: "m", Code: tc.code, Description: tc.desc}); got != tc.want {
			t.Errorf("%d %q for kind %d: got %d, want %d", tc.code, tc.desc, tc.kind, got, tc.want)
		}
	}
}
