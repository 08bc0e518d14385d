package fakeapi

// reactionEmojis are the emojis a bot may react with: the list in the Bot
// API's description of ReactionTypeEmoji.emoji, in its order. Note that the
// list has no variation selectors: "❤" is U+2764 alone, and "❤️" with
// U+FE0F, as emoji keyboards type it, is not on it.
var reactionEmojis = map[string]bool{
	"❤": true, "👍": true, "👎": true, "🔥": true, "🥰": true, "👏": true, "😁": true, "🤔": true,
	"🤯": true, "😱": true, "🤬": true, "😢": true, "🎉": true, "🤩": true, "🤮": true, "💩": true,
	"🙏": true, "👌": true, "🕊": true, "🤡": true, "🥱": true, "🥴": true, "😍": true, "🐳": true,
	"❤\u200d🔥": true, "🌚": true, "🌭": true, "💯": true, "🤣": true, "⚡": true, "🍌": true, "🏆": true,
	"💔": true, "🤨": true, "😐": true, "🍓": true, "🍾": true, "💋": true, "🖕": true, "😈": true,
	"😴": true, "😭": true, "🤓": true, "👻": true, "👨\u200d💻": true, "👀": true, "🎃": true, "🙈": true,
	"😇": true, "😨": true, "🤝": true, "✍": true, "🤗": true, "🫡": true, "🎅": true, "🎄": true,
	"☃": true, "💅": true, "🤪": true, "🗿": true, "🆒": true, "💘": true, "🙉": true, "🦄": true,
	"😘": true, "💊": true, "🙊": true, "😎": true, "👾": true, "🤷\u200d♂": true, "🤷": true, "🤷\u200d♀": true,
	"😡": true,
}

// maxBotReactions is how many reactions a bot, which has no Telegram
// Premium, may set on a message.
const maxBotReactions = 1

// reactionRequest is a validated reaction parameter.
type reactionRequest struct {
	emoji  string // for type "emoji"
	custom bool   // a custom_emoji or paid reaction
}

// parseReactions reads the reaction parameter of setMessageReaction, an
// Array of ReactionType; a missing or empty one removes the reaction.
func parseReactions(q *request) ([]reactionRequest, *apiError) {
	raw, ok := q.args["reaction"]
	if !ok || raw == "" {
		return nil, nil
	}
	value, err := decodeJSON(raw)
	if err != nil {
		return nil, badRequest("can't parse reaction types JSON object")
	}
	if value == nil {
		return nil, nil
	}
	list, isList := value.([]any)
	if !isList {
		return nil, badRequest("expected an Array of ReactionType")
	}
	out := make([]reactionRequest, 0, len(list))
	for _, item := range list {
		obj, isObj := item.(map[string]any)
		if !isObj {
			return nil, badRequest("can't parse ReactionType: expected an Object")
		}
		typ, present := obj["type"]
		if !present {
			return nil, badRequest("can't parse ReactionType: Can't find field \"type\"")
		}
		switch typ {
		case "emoji":
			v, present := obj["emoji"]
			if !present {
				return nil, badRequest("can't parse ReactionType: Can't find field \"emoji\"")
			}
			emoji, isString := v.(string)
			if !isString {
				return nil, badRequest("can't parse ReactionType: Field \"emoji\" must be of type String")
			}
			out = append(out, reactionRequest{emoji: emoji})
		case "custom_emoji":
			if _, present := obj["custom_emoji_id"]; !present {
				return nil, badRequest("can't parse ReactionType: Can't find field \"custom_emoji_id\"")
			}
			out = append(out, reactionRequest{custom: true})
		case "paid":
			out = append(out, reactionRequest{custom: true})
		default:
			return nil, badRequest("can't parse ReactionType: invalid reaction type specified")
		}
	}
	return out, nil
}

// setMessageReaction sets or removes the bot's reaction to a message. A
// reaction to a message of an album goes to the album's first message that
// is not deleted, as the Bot API documents.
func (s *Server) setMessageReaction(q *request) (any, *apiError) {
	if err := q.checkBools("is_big"); err != nil {
		return nil, err
	}
	reactions, err := parseReactions(q)
	if err != nil {
		return nil, err
	}
	c, m, err := s.liveMessageLocked(q, "react", true)
	if err != nil {
		return nil, err
	}
	if m.mediaGroup != "" {
		for _, other := range c.messages {
			if other.mediaGroup == m.mediaGroup {
				m = other
				break
			}
		}
	}
	emojis := make([]string, 0, len(reactions))
	for _, r := range reactions {
		if r.custom {
			return nil, badRequest("REACTION_INVALID: bots without Telegram Premium can only use emoji reactions")
		}
		if !reactionEmojis[r.emoji] {
			return nil, badRequest("REACTION_INVALID: %+q is not one of the emojis of ReactionTypeEmoji (which have no U+FE0F variation selector)", truncate(r.emoji, 10))
		}
		emojis = append(emojis, r.emoji)
	}
	if len(emojis) > maxBotReactions {
		return nil, badRequest("REACTIONS_TOO_MANY: bots can set at most %d reaction per message", maxBotReactions)
	}
	if len(emojis) == 0 {
		emojis = nil
	}
	m.reactions = emojis
	return true, nil
}
