package fakeapi

import "encoding/json"

// This file holds the JSON shapes of the Bot API objects the server emits.
// Field names follow the Bot API exactly; optional fields use omitempty so
// that no empty objects or zero-valued optional fields are ever sent.

type apiUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// apiBotUser is the getMe result, which carries a few bot-only fields.
type apiBotUser struct {
	ID                      int64  `json:"id"`
	IsBot                   bool   `json:"is_bot"`
	FirstName               string `json:"first_name"`
	Username                string `json:"username"`
	CanJoinGroups           bool   `json:"can_join_groups"`
	CanReadAllGroupMessages bool   `json:"can_read_all_group_messages"`
	SupportsInlineQueries   bool   `json:"supports_inline_queries"`
	CanConnectToBusiness    bool   `json:"can_connect_to_business"`
	HasMainWebApp           bool   `json:"has_main_web_app"`
}

type apiChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
}

type apiEntity struct {
	Type           string   `json:"type"`
	Offset         int      `json:"offset"`
	Length         int      `json:"length"`
	URL            string   `json:"url,omitempty"`
	User           *apiUser `json:"user,omitempty"`
	Language       string   `json:"language,omitempty"`
	CustomEmojiID  string   `json:"custom_emoji_id,omitempty"`
	UnixTime       int64    `json:"unix_time,omitempty"`
	DateTimeFormat string   `json:"date_time_format,omitempty"`
}

type apiPhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

type apiDocument struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type apiSticker struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
	Emoji        string `json:"emoji,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type apiVoice struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type apiAudio struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type apiVideo struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	Duration     int    `json:"duration"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type apiVideoNote struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Length       int    `json:"length"`
	Duration     int    `json:"duration"`
	FileSize     int    `json:"file_size,omitempty"`
}

// apiLocation has no omitempty: 0 is a valid latitude and longitude.
type apiLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type apiContact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
}

type apiMessage struct {
	MessageID       int             `json:"message_id"`
	From            *apiUser        `json:"from,omitempty"`
	Chat            apiChat         `json:"chat"`
	Date            int64           `json:"date"`
	ReplyToMessage  *apiMessage     `json:"reply_to_message,omitempty"`
	EditDate        int64           `json:"edit_date,omitempty"`
	MediaGroupID    string          `json:"media_group_id,omitempty"`
	Text            string          `json:"text,omitempty"`
	Entities        []apiEntity     `json:"entities,omitempty"`
	Audio           *apiAudio       `json:"audio,omitempty"`
	Document        *apiDocument    `json:"document,omitempty"`
	Photo           []apiPhotoSize  `json:"photo,omitempty"`
	Sticker         *apiSticker     `json:"sticker,omitempty"`
	Video           *apiVideo       `json:"video,omitempty"`
	VideoNote       *apiVideoNote   `json:"video_note,omitempty"`
	Voice           *apiVoice       `json:"voice,omitempty"`
	Caption         string          `json:"caption,omitempty"`
	CaptionEntities []apiEntity     `json:"caption_entities,omitempty"`
	Contact         *apiContact     `json:"contact,omitempty"`
	Location        *apiLocation    `json:"location,omitempty"`
	ReplyMarkup     json.RawMessage `json:"reply_markup,omitempty"`
}

// apiInaccessibleMessage stands in for a message the bot can no longer
// access; its date is always 0.
type apiInaccessibleMessage struct {
	Chat      apiChat `json:"chat"`
	MessageID int     `json:"message_id"`
	Date      int64   `json:"date"`
}

type apiCallbackQuery struct {
	ID           string  `json:"id"`
	From         apiUser `json:"from"`
	Message      any     `json:"message,omitempty"`
	ChatInstance string  `json:"chat_instance"`
	Data         string  `json:"data,omitempty"`
}

type apiUpdate struct {
	UpdateID      int64             `json:"update_id"`
	Message       *apiMessage       `json:"message,omitempty"`
	EditedMessage *apiMessage       `json:"edited_message,omitempty"`
	CallbackQuery *apiCallbackQuery `json:"callback_query,omitempty"`
	MyChatMember  *apiMemberUpdate  `json:"my_chat_member,omitempty"`
}

// apiMemberUpdate is a ChatMemberUpdated: in a private chat, the user blocked the bot
// ("kicked") or unblocked it ("member").
type apiMemberUpdate struct {
	Chat          apiChat       `json:"chat"`
	From          apiUser       `json:"from"`
	Date          int64         `json:"date"`
	OldChatMember apiChatMember `json:"old_chat_member"`
	NewChatMember apiChatMember `json:"new_chat_member"`
}

type apiChatMember struct {
	Status string   `json:"status"`
	User   *apiUser `json:"user"`
	// UntilDate is sent with "kicked": 0 means for ever.
	UntilDate *int64 `json:"until_date,omitempty"`
}

type apiMessageID struct {
	MessageID int `json:"message_id"`
}

type apiFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileSize     int    `json:"file_size,omitempty"`
	FilePath     string `json:"file_path,omitempty"`
}

type apiWebhookInfo struct {
	URL                  string   `json:"url"`
	HasCustomCertificate bool     `json:"has_custom_certificate"`
	PendingUpdateCount   int      `json:"pending_update_count"`
	MaxConnections       int      `json:"max_connections,omitempty"`
	AllowedUpdates       []string `json:"allowed_updates,omitempty"`
}

type apiBotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// okResponse and errorResponse are the two envelopes of every reply.
type okResponse struct {
	OK          bool   `json:"ok"`
	Result      any    `json:"result"`
	Description string `json:"description,omitempty"`
}

type errorResponse struct {
	OK          bool                `json:"ok"`
	ErrorCode   int                 `json:"error_code"`
	Description string              `json:"description"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

type responseParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}
