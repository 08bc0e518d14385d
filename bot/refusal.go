package bot

import (
	"net/http"
	"strings"

	"github.com/lotse-bot/lotse/flows"
)

// Telegram answers a message it will not deliver with 400 or 403 and a description. What
// Lotse does depends on which of two kinds it is, and the kinds are listed here explicitly:
// an answer that is in neither list is never taken for Lotse's own mistake, so a new
// Telegram text cannot make a message disappear unseen.

// cannotReceive are the refusals that mean the person cannot get messages from the bot: they
// blocked it, never opened it (a bot cannot write first), or deleted their account. Every
// 403 is of this kind too.
var cannotReceive = []string{
	"chat not found",
	"user not found",
	"user is deactivated",
	"bot was blocked by the user",
	"bot can't initiate conversation",
	"bot can't send messages to bots",
	"bot was kicked",
	"peer_id_invalid",
	"user_is_blocked",
	"input_user_deactivated",
	"chat_write_forbidden",
	"need administrator rights",
	"not enough rights to send",
	"have no rights to send a message",
}

// ownMistakes are the refusals of a malformed request of Lotse's own, or of one about a
// message that is gone: sending it again would fail again, so it is logged and dropped.
var ownMistakes = []string{
	"message is too long",
	"message text is empty",
	"message caption is too long",
	"can't parse entities",
	"can't find end of the entity",
	"entity_bounds_invalid",
	"button_data_invalid",
	"button_url_invalid",
	"reply markup is too long",
	"too many inline keyboard buttons",
	"wrong file identifier",
	"wrong remote file identifier",
	"failed to get http url content",
	"wrong type of the web page content",
	"message to copy not found",
	"message can't be copied",
	"message_id_invalid",
	"message to react not found",
	"reaction_invalid",
	"reaction_empty",
	"query is too old",
	"query id is invalid",
	"message to edit not found",
	"message can't be edited",
	"message to be replied not found",
	"photo_invalid_dimensions",
	"file is too big",
	"invalid file http url specified",
	"unsupported parse_mode",
}

// refusal is what Lotse does with a refused message.
type refusal int

const (
	retry       refusal = iota // a temporary failure: try again later
	done                       // as good as delivered ("message is not modified")
	asNew                      // an edit that cannot be made: send the screen as a new message
	dropOwn                    // Lotse's own mistake: log and drop
	unreachable                // the recipient cannot receive messages from the bot
	unknown                    // refused for a reason not listed: treated as not received
)

// classifyRefusal sorts a failed call for an outgoing message of kind k.
func classifyRefusal(k flows.OutKind, err *apiError) refusal {
	desc := strings.ToLower(err.Description)
	switch {
	case err.Code == http.StatusTooManyRequests || err.Code == http.StatusUnauthorized || err.Code < 400 || err.Code >= 500:
		return retry
	case err.Code == http.StatusBadRequest && strings.Contains(desc, "message is not modified"):
		return done
	case err.Code == http.StatusForbidden || containsAny(desc, cannotReceive):
		if k == flows.OutAnswer || k == flows.OutReact {
			// A button answer or a reaction is no message to the person: nothing to mark.
			return dropOwn
		}
		return unreachable
	case k == flows.OutEdit && err.Code == http.StatusBadRequest:
		// Old or deleted messages cannot be edited: show the screen as a new message.
		return asNew
	case containsAny(desc, ownMistakes), k == flows.OutAnswer, k == flows.OutReact:
		return dropOwn
	}
	return unknown
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
