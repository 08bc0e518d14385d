package fakeapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

var bob = fakeapi.User{ID: 2002, FirstName: "Bob"}

// pendingMessages returns the message objects of the pending updates, as
// the go-telegram/bot library the bot uses decodes them, with the raw
// message JSON.
func pendingMessages(t *testing.T, s *fakeapi.Server) ([]*models.Message, []string) {
	t.Helper()
	var msgs []*models.Message
	var raws []string
	for _, u := range getUpdates(t, s, nil) {
		var decoded models.Update
		if err := json.Unmarshal(u.full, &decoded); err != nil {
			t.Fatalf("update does not decode: %v: %s", err, u.full)
		}
		var fields struct {
			Message json.RawMessage `json:"message"`
		}
		_ = json.Unmarshal(u.full, &fields)
		msgs = append(msgs, decoded.Message)
		raws = append(raws, string(fields.Message))
	}
	return msgs, raws
}

// download fetches a file through getFile and the file URL, as a bot does.
func download(t *testing.T, s *fakeapi.Server, fileID string) []byte {
	t.Helper()
	r := call(t, s, "getFile", map[string]any{"file_id": fileID})
	mustOK(t, r)
	var f struct {
		FilePath string `json:"file_path"`
	}
	if err := json.Unmarshal(r.Result, &f); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.URL() + "/file/bot" + fakeapi.Token + "/" + f.FilePath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("download %s: %d %v", f.FilePath, resp.StatusCode, err)
	}
	return data
}

func TestSendMediaRendersEveryKind(t *testing.T) {
	s := newServer(t)
	audio := []byte("ID3 a song")
	ids := []int64{
		s.SendMedia(alice, fakeapi.Media{Kind: "text", Text: "Hallo /start"}),
		s.SendMedia(alice, fakeapi.Media{Kind: "photo", Text: "/hilfe Bescheid", MediaGroup: "42"}),
		s.SendMedia(alice, fakeapi.Media{Kind: "document", Text: "Antrag", FileName: "antrag.pdf", Data: []byte("%PDF-1.7")}),
		s.SendMedia(alice, fakeapi.Media{Kind: "voice", Text: "Sprachnachricht"}),
		s.SendMedia(alice, fakeapi.Media{Kind: "audio", FileName: "lied.mp3", Data: audio}),
		s.SendMedia(alice, fakeapi.Media{Kind: "video", Text: "Video"}),
		s.SendMedia(alice, fakeapi.Media{Kind: "video_note", Text: "no caption here"}),
		s.SendMedia(alice, fakeapi.Media{Kind: "location", Latitude: 52.52, Longitude: 13.405, MediaGroup: "42", Text: "ignored", ReplyTo: 1}),
		s.SendMedia(alice, fakeapi.Media{Kind: "contact", PhoneNumber: "+4930123456", ContactName: "Maria", ReplyTo: 999}),
		s.SendMedia(alice, fakeapi.Media{Kind: "sticker"}),
		s.SendMedia(alice, fakeapi.Media{Kind: "location"}),
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] != ids[i-1]+1 {
			t.Fatalf("update ids %v are not consecutive", ids)
		}
	}
	if id := s.SendMedia(alice, fakeapi.Media{Kind: "foto"}); id != 0 {
		t.Fatalf("unknown kind sent update %d", id)
	}
	msgs, raws := pendingMessages(t, s)
	if len(msgs) != len(ids) {
		t.Fatalf("got %d updates, want %d", len(msgs), len(ids))
	}
	text, photo, doc, voice, aud, video, note, loc, contact, sticker := msgs[0], msgs[1], msgs[2], msgs[3], msgs[4], msgs[5], msgs[6], msgs[7], msgs[8], msgs[9]

	if text.Text != "Hallo /start" || len(text.Entities) != 1 || text.Entities[0].Type != "bot_command" || text.Entities[0].Offset != 6 {
		t.Fatalf("text: %s", raws[0])
	}
	if len(photo.Photo) != 2 || photo.Photo[1].Width != 800 || photo.Caption != "/hilfe Bescheid" || photo.MediaGroupID != "42" ||
		len(photo.CaptionEntities) != 1 || photo.CaptionEntities[0].Type != "bot_command" || photo.Text != "" {
		t.Fatalf("photo: %s", raws[1])
	}
	if doc.Document == nil || doc.Document.FileName != "antrag.pdf" || doc.Document.MimeType != "application/pdf" || doc.Document.FileSize != 8 || doc.Caption != "Antrag" {
		t.Fatalf("document: %s", raws[2])
	}
	if voice.Voice == nil || voice.Voice.Duration <= 0 || voice.Voice.MimeType != "audio/ogg" || voice.Caption != "Sprachnachricht" {
		t.Fatalf("voice: %s", raws[3])
	}
	if aud.Audio == nil || aud.Audio.FileName != "lied.mp3" || aud.Audio.MimeType != "audio/mpeg" || aud.Audio.Duration <= 0 || aud.Caption != "" {
		t.Fatalf("audio: %s", raws[4])
	}
	if got := download(t, s, aud.Audio.FileID); !bytes.Equal(got, audio) {
		t.Fatalf("audio downloads as %q", got)
	}
	if video.Video == nil || video.Video.Width <= 0 || video.Video.Height <= 0 || video.Video.Duration <= 0 || video.Video.MimeType != "video/mp4" || video.Caption != "Video" {
		t.Fatalf("video: %s", raws[5])
	}
	if len(download(t, s, video.Video.FileID)) == 0 {
		t.Fatal("video has no sample content")
	}
	if note.VideoNote == nil || note.VideoNote.Length <= 0 || note.VideoNote.Duration <= 0 || strings.Contains(raws[6], "caption") {
		t.Fatalf("video note: %s", raws[6])
	}
	if loc.Location == nil || loc.Location.Latitude != 52.52 || loc.Location.Longitude != 13.405 || loc.ReplyToMessage == nil || loc.ReplyToMessage.ID != 1 {
		t.Fatalf("location: %s", raws[7])
	}
	if strings.Contains(raws[7], "media_group_id") || strings.Contains(raws[7], "caption") {
		t.Fatalf("a location has no album or caption: %s", raws[7])
	}
	if contact.Contact == nil || contact.Contact.PhoneNumber != "+4930123456" || contact.Contact.FirstName != "Maria" || contact.ReplyToMessage != nil {
		t.Fatalf("contact: %s", raws[8])
	}
	if sticker.Sticker == nil || sticker.Sticker.Emoji == "" {
		t.Fatalf("sticker: %s", raws[9])
	}
	if !strings.Contains(raws[10], `"location":{"latitude":0,"longitude":0}`) {
		t.Fatalf("a location at 0,0 lacks its coordinates: %s", raws[10])
	}

	log := s.ChatLog(alice.ID)
	if len(log) != len(ids) {
		t.Fatalf("chat log has %d messages", len(log))
	}
	if m := log[1]; m.Kind != "photo" || m.MediaGroup != "42" || m.FileID != photo.Photo[1].FileID {
		t.Fatalf("photo view %+v", m)
	}
	if m := log[4]; m.Kind != "audio" || m.FileName != "lied.mp3" || !bytes.Equal(m.FileData, audio) {
		t.Fatalf("audio view %+v", m)
	}
	if m := log[7]; m.Kind != "location" || m.Latitude != 52.52 || m.Longitude != 13.405 || m.ReplyTo != 1 || m.MediaGroup != "" || m.Text != "" {
		t.Fatalf("location view %+v", m)
	}
	if m := log[8]; m.Kind != "contact" || m.PhoneNumber != "+4930123456" || m.ContactName != "Maria" || m.ReplyTo != 0 {
		t.Fatalf("contact view %+v", m)
	}
	if m := log[6]; m.Kind != "video_note" || m.Text != "" || m.FileID != note.VideoNote.FileID {
		t.Fatalf("video note view %+v", m)
	}
}

func TestSendMediaKeepsTheOldHelpers(t *testing.T) {
	s := newServer(t)
	s.SendPhoto(alice, "Foto")
	s.SendDocument(alice, "leer.txt", nil, "")
	s.SendVoice(alice)
	s.SendSticker(alice)
	s.ReplyText(alice, 1, "zum Foto")
	log := s.ChatLog(alice.ID)
	kinds := []string{}
	for _, m := range log {
		kinds = append(kinds, m.Kind)
	}
	if !reflect.DeepEqual(kinds, []string{"photo", "document", "voice", "sticker", "text"}) {
		t.Fatalf("kinds %v", kinds)
	}
	if log[0].Text != "Foto" || log[1].FileName != "leer.txt" || len(log[1].FileData) != 0 || log[4].ReplyTo != 1 {
		t.Fatalf("unexpected messages %+v", log)
	}
}

func TestSendAlbum(t *testing.T) {
	s := newServer(t)
	if ids := s.SendAlbum(alice, 1, "x"); ids != nil {
		t.Fatalf("an album of 1 was sent: %v", ids)
	}
	if ids := s.SendAlbum(alice, 11, "x"); ids != nil {
		t.Fatalf("an album of 11 was sent: %v", ids)
	}
	first := s.SendAlbum(alice, 3, "Meine Unterlagen")
	second := s.SendAlbum(alice, 2, "")
	if len(first) != 3 || len(second) != 2 || first[1] != first[0]+1 || first[2] != first[1]+1 || second[0] != first[2]+1 {
		t.Fatalf("update ids %v %v", first, second)
	}
	msgs, raws := pendingMessages(t, s)
	if len(msgs) != 5 {
		t.Fatalf("got %d updates, want 5", len(msgs))
	}
	group := msgs[0].MediaGroupID
	if group == "" || msgs[1].MediaGroupID != group || msgs[2].MediaGroupID != group {
		t.Fatalf("album messages do not share a media_group_id: %v", raws[:3])
	}
	if msgs[3].MediaGroupID == "" || msgs[3].MediaGroupID == group || msgs[4].MediaGroupID != msgs[3].MediaGroupID {
		t.Fatalf("second album's media_group_id: %v", raws[3:])
	}
	if msgs[0].Caption != "Meine Unterlagen" || msgs[1].Caption != "" || msgs[2].Caption != "" {
		t.Fatalf("caption must be on the first photo only: %v", raws[:3])
	}
	for i, m := range msgs {
		if len(m.Photo) == 0 || m.ID != i+1 || s.MessageIDOf(append(first, second...)[i]) != m.ID {
			t.Fatalf("message %d: %s", i, raws[i])
		}
	}
	if log := s.ChatLog(alice.ID); log[2].MediaGroup != group || log[2].Kind != "photo" {
		t.Fatalf("album view %+v", log[2])
	}
}

func TestCopyMessageCopiesEveryKind(t *testing.T) {
	s := newServer(t)
	s.SendText(bob, "hi")
	sources := []fakeapi.Media{
		{Kind: "text", Text: "Termin am Montag"},
		{Kind: "photo", Text: "Bescheid"},
		{Kind: "document", Text: "Antrag", FileName: "antrag.pdf"},
		{Kind: "voice", Text: "gesprochen"},
		{Kind: "audio", FileName: "lied.mp3"},
		{Kind: "video", Text: "Video"},
		{Kind: "video_note", Text: "dropped: video notes have no caption"},
		{Kind: "location", Latitude: 48.137, Longitude: 11.575},
		{Kind: "contact", PhoneNumber: "+491701234567", ContactName: "Amal"},
		{Kind: "sticker"},
	}
	for _, in := range sources {
		srcID := s.MessageIDOf(s.SendMedia(alice, in))
		src, _ := s.MessageByID(alice.ID, srcID)
		r := call(t, s, "copyMessage", map[string]any{"chat_id": bob.ID, "from_chat_id": alice.ID, "message_id": srcID})
		mustOK(t, r)
		var res struct {
			MessageID int `json:"message_id"`
		}
		if err := json.Unmarshal(r.Result, &res); err != nil || res.MessageID == 0 {
			t.Fatalf("copy result %s", r.Result)
		}
		cp, ok := s.MessageByID(bob.ID, res.MessageID)
		if !ok || cp.Kind != "copy" || cp.CopyOf != in.Kind || cp.From != "bot" || cp.CopiedFrom != alice.ID || cp.CopiedID != srcID {
			t.Fatalf("%s: copy %+v", in.Kind, cp)
		}
		if cp.Text != src.Text || cp.FileID != src.FileID || cp.FileName != src.FileName || !bytes.Equal(cp.FileData, src.FileData) ||
			cp.Latitude != in.Latitude || cp.Longitude != in.Longitude || cp.PhoneNumber != in.PhoneNumber || cp.ContactName != src.ContactName {
			t.Fatalf("%s: copy %+v differs from the original %+v", in.Kind, cp, src)
		}
		if cp.Text != in.Text && in.Kind != "video_note" {
			t.Fatalf("%s: text or caption %q, want %q", in.Kind, cp.Text, in.Text)
		}
	}

	// The copies render as the kind they copy, e.g. when the user replies.
	bobMsgs := s.Messages(bob.ID)
	for _, want := range []struct {
		index int
		field string
	}{{1, `"photo":[`}, {3, `"voice":{`}, {4, `"audio":{`}, {5, `"video":{`}, {6, `"video_note":{`}, {7, `"location":{"latitude":48.137,"longitude":11.575}`}, {8, `"contact":{"phone_number":"+491701234567","first_name":"Amal"}`}} {
		id := s.ReplyText(bob, bobMsgs[want.index].ID, "?")
		ups := getUpdates(t, s, map[string]any{"offset": id})
		if len(ups) != 1 || !strings.Contains(string(ups[0].full), `"reply_to_message":{"message_id":`) || !strings.Contains(string(ups[0].full), want.field) {
			t.Fatalf("reply to copy %d lacks %s: %s", want.index, want.field, ups[0].full)
		}
	}
}

func TestCopyMessageCaptionsAndAlbums(t *testing.T) {
	s := newServer(t)
	s.SendText(bob, "hi")
	album := s.SendAlbum(alice, 2, "Seite 1")
	first := s.MessageIDOf(album[0])
	loc := s.MessageIDOf(s.SendMedia(alice, fakeapi.Media{Kind: "location", Latitude: 1, Longitude: 2}))
	doc := s.MessageIDOf(s.SendMedia(alice, fakeapi.Media{Kind: "document", Text: "alt"}))
	copyOf := func(id int, extra map[string]any) fakeapi.Message {
		t.Helper()
		params := map[string]any{"chat_id": bob.ID, "from_chat_id": alice.ID, "message_id": id}
		for k, v := range extra {
			params[k] = v
		}
		mustOK(t, call(t, s, "copyMessage", params))
		m, _ := s.LastMessage(bob.ID)
		return m
	}
	if m := copyOf(first, map[string]any{"caption": "<b>neu</b>", "parse_mode": "HTML"}); m.PlainText != "neu" || len(m.Entities) != 1 || m.MediaGroup != "" || m.CopyOf != "photo" {
		t.Fatalf("copy of an album photo with a new caption %+v", m)
	}
	if m := copyOf(first, nil); m.Text != "Seite 1" {
		t.Fatalf("the original caption must be kept: %+v", m)
	}
	if m := copyOf(doc, map[string]any{"caption": ""}); m.Text != "" || m.CopyOf != "document" {
		t.Fatalf("an empty caption removes it: %+v", m)
	}
	if m := copyOf(loc, map[string]any{"caption": "Hier"}); m.Text != "" || m.Latitude != 1 || m.Longitude != 2 {
		t.Fatalf("a location takes no caption: %+v", m)
	}
	// A copy of a copy is a copy of the original kind, made from the copy.
	locCopy, _ := s.LastMessage(bob.ID)
	mustOK(t, call(t, s, "copyMessage", map[string]any{"chat_id": alice.ID, "from_chat_id": bob.ID, "message_id": locCopy.ID}))
	if m, _ := s.LastMessage(alice.ID); m.CopyOf != "location" || m.CopiedFrom != bob.ID || m.CopiedID != locCopy.ID || m.Latitude != 1 {
		t.Fatalf("copy of a copy %+v", m)
	}
}

func TestCopyMessageRejectsWhatCannotBeCopied(t *testing.T) {
	s := newServer(t)
	s.SendText(bob, "hi")
	id := s.MessageIDOf(s.SendMedia(alice, fakeapi.Media{Kind: "contact", PhoneNumber: "+491"}))
	deleted := s.MessageIDOf(s.SendPhoto(alice, "weg"))
	mustOK(t, call(t, s, "deleteMessage", map[string]any{"chat_id": alice.ID, "message_id": deleted}))
	copyParams := func(from any, msgID any) map[string]any {
		return map[string]any{"chat_id": bob.ID, "from_chat_id": from, "message_id": msgID}
	}
	mustFail(t, call(t, s, "copyMessage", copyParams(alice.ID, deleted)), 400, "message to copy not found")
	mustFail(t, call(t, s, "copyMessage", copyParams(alice.ID, 0)), 400, "message to copy not found")
	mustFail(t, call(t, s, "copyMessage", copyParams(alice.ID, -id)), 400, "message to copy not found")
	mustFail(t, call(t, s, "copyMessage", copyParams(77, id)), 400, "chat not found")
	mustFail(t, call(t, s, "copyMessage", copyParams("@alice", id)), 400, "chat not found")
	mustFail(t, call(t, s, "copyMessage", copyParams("", id)), 400, "from_chat_id is empty")
	mustFail(t, call(t, s, "copyMessage", copyParams(alice.ID, "eins")), 400, "invalid message_id")
	mustFail(t, call(t, s, "copyMessage", map[string]any{"chat_id": 77, "from_chat_id": alice.ID, "message_id": id}), 400, "chat not found")
	params := copyParams(alice.ID, id)
	params["video_start_timestamp"] = "soon"
	mustFail(t, call(t, s, "copyMessage", params), 400, "invalid video_start_timestamp")
	s.Block(bob.ID)
	mustFail(t, call(t, s, "copyMessage", copyParams(alice.ID, id)), 403, "blocked")
	if msgs := s.Messages(bob.ID); len(msgs) != 0 {
		t.Fatalf("a refused copy was delivered: %+v", msgs)
	}
}

// TestCopyMessageReplyParametersLikeSendMessage checks that copyMessage
// validates reply_parameters and reply_to_message_id exactly as
// sendMessage does.
func TestCopyMessageReplyParametersLikeSendMessage(t *testing.T) {
	s := newServer(t)
	target := s.MessageIDOf(s.SendText(alice, "Frage"))
	src := s.MessageIDOf(s.SendMedia(alice, fakeapi.Media{Kind: "location", Latitude: 1, Longitude: 1}))
	s.SendText(bob, "hi")
	other := s.MessageIDOf(s.SendText(bob, "andere"))
	cases := []struct {
		name    string
		params  map[string]any
		status  int
		replyTo int
		err     string
	}{
		{"reply", map[string]any{"reply_parameters": map[string]any{"message_id": target}}, 200, target, ""},
		{"legacy reply", map[string]any{"reply_to_message_id": target}, 200, target, ""},
		{"missing target", map[string]any{"reply_parameters": map[string]any{"message_id": 999}}, 400, 0, "message to be replied not found"},
		{"legacy missing target", map[string]any{"reply_to_message_id": 999}, 400, 0, "message to be replied not found"},
		{"allow without reply", map[string]any{"reply_parameters": map[string]any{"message_id": 999, "allow_sending_without_reply": true}}, 200, 0, ""},
		{"not JSON", map[string]any{"reply_parameters": "{"}, 400, 0, "can't parse reply_parameters JSON object"},
		{"not an object", map[string]any{"reply_parameters": []int{1}}, 400, 0, "can't parse reply parameters JSON object"},
		{"message_id not an integer", map[string]any{"reply_parameters": map[string]any{"message_id": "x"}}, 400, 0, "message_id must be an Integer"},
		{"other chat", map[string]any{"reply_parameters": map[string]any{"message_id": other, "chat_id": bob.ID}}, 200, 0, ""},
		{"other chat missing", map[string]any{"reply_parameters": map[string]any{"message_id": 999, "chat_id": bob.ID}}, 400, 0, "message to be replied not found"},
		{"unknown chat", map[string]any{"reply_parameters": map[string]any{"message_id": target, "chat_id": 77}}, 400, 0, "chat not found"},
	}
	for _, tc := range cases {
		send := map[string]any{"chat_id": alice.ID, "text": "Antwort"}
		cp := map[string]any{"chat_id": alice.ID, "from_chat_id": alice.ID, "message_id": src}
		for k, v := range tc.params {
			send[k], cp[k] = v, v
		}
		rs, rc := call(t, s, "sendMessage", send), call(t, s, "copyMessage", cp)
		if rs.status != tc.status || rc.status != tc.status || rs.Description != rc.Description || !strings.Contains(rc.Description, tc.err) {
			t.Fatalf("%s: sendMessage %d %q, copyMessage %d %q, want %d %q", tc.name, rs.status, rs.Description, rc.status, rc.Description, tc.status, tc.err)
		}
		if tc.status != 200 {
			continue
		}
		msgs := s.Messages(alice.ID)
		sent, copied := msgs[len(msgs)-2], msgs[len(msgs)-1]
		if sent.ReplyTo != tc.replyTo || copied.ReplyTo != tc.replyTo || copied.CopyOf != "location" {
			t.Fatalf("%s: reply_to %d and %d, want %d", tc.name, sent.ReplyTo, copied.ReplyTo, tc.replyTo)
		}
	}
}

func reactTo(t *testing.T, s *fakeapi.Server, chatID int64, messageID int, reaction any) response {
	t.Helper()
	params := map[string]any{"chat_id": chatID, "message_id": messageID}
	if reaction != nil {
		params["reaction"] = reaction
	}
	return call(t, s, "setMessageReaction", params)
}

func emoji(e string) []map[string]any { return []map[string]any{{"type": "emoji", "emoji": e}} }

func reactions(t *testing.T, s *fakeapi.Server, chatID int64, messageID int) []string {
	t.Helper()
	m, ok := s.MessageByID(chatID, messageID)
	if !ok {
		t.Fatalf("no message %d in chat %d", messageID, chatID)
	}
	return m.Reactions
}

func TestSetMessageReaction(t *testing.T) {
	s := newServer(t)
	id := s.MessageIDOf(s.SendMedia(alice, fakeapi.Media{Kind: "document", FileName: "pass.pdf"}))
	r := reactTo(t, s, alice.ID, id, emoji("👍"))
	mustOK(t, r)
	if string(r.Result) != "true" {
		t.Fatalf("result %s, want true", r.Result)
	}
	if got := reactions(t, s, alice.ID, id); !reflect.DeepEqual(got, []string{"👍"}) {
		t.Fatalf("reactions %q", got)
	}
	// A new reaction replaces the old one; is_big is accepted.
	r = call(t, s, "setMessageReaction", map[string]any{"chat_id": alice.ID, "message_id": id, "reaction": emoji("❤"), "is_big": true})
	mustOK(t, r)
	if got := reactions(t, s, alice.ID, id); !reflect.DeepEqual(got, []string{"❤"}) {
		t.Fatalf("reactions %q", got)
	}
	if c := s.Calls("setMessageReaction"); len(c) != 2 || !reflect.DeepEqual(c[1].Params["reaction"], []any{map[string]any{"type": "emoji", "emoji": "❤"}}) {
		t.Fatalf("reaction not decoded in Call.Params: %#v", c[len(c)-1].Params)
	}

	// Refused reactions leave the current one in place.
	for _, tc := range []struct {
		reaction any
		err      string
	}{
		{emoji("❤️"), "REACTION_INVALID"}, // with U+FE0F, which the list has not
		{emoji("🙂"), "REACTION_INVALID"},
		{emoji(""), "REACTION_INVALID"},
		{emoji("👍👍"), "REACTION_INVALID"},
		{[]map[string]any{{"type": "custom_emoji", "custom_emoji_id": "5368324170671202286"}}, "REACTION_INVALID"},
		{[]map[string]any{{"type": "paid"}}, "REACTION_INVALID"},
		{append(emoji("👍"), emoji("🔥")...), "REACTIONS_TOO_MANY"},
		{append(emoji("👍"), emoji("👍")...), "REACTIONS_TOO_MANY"},
		{"[", "can't parse reaction types JSON object"},
		{map[string]any{"type": "emoji", "emoji": "👍"}, "expected an Array of ReactionType"},
		{[]string{"👍"}, "can't parse ReactionType: expected an Object"},
		{[]map[string]any{{"emoji": "👍"}}, `Can't find field "type"`},
		{[]map[string]any{{"type": "emoji"}}, `Can't find field "emoji"`},
		{[]map[string]any{{"type": "emoji", "emoji": 1}}, `Field "emoji" must be of type String`},
		{[]map[string]any{{"type": "custom_emoji"}}, `Can't find field "custom_emoji_id"`},
		{[]map[string]any{{"type": "star"}}, "invalid reaction type specified"},
	} {
		mustFail(t, reactTo(t, s, alice.ID, id, tc.reaction), 400, tc.err)
	}
	mustFail(t, call(t, s, "setMessageReaction", map[string]any{"chat_id": alice.ID, "message_id": id, "reaction": emoji("👍"), "is_big": "sehr"}), 400, "invalid is_big")
	if got := reactions(t, s, alice.ID, id); !reflect.DeepEqual(got, []string{"❤"}) {
		t.Fatalf("a refused reaction changed the reactions to %q", got)
	}

	// An empty list, null or no reaction at all removes the reaction.
	for _, removal := range []any{[]any{}, "null", nil} {
		mustOK(t, reactTo(t, s, alice.ID, id, emoji("🔥")))
		mustOK(t, reactTo(t, s, alice.ID, id, removal))
		if got := reactions(t, s, alice.ID, id); got != nil {
			t.Fatalf("removal %#v left %q", removal, got)
		}
	}
	mustOK(t, reactTo(t, s, alice.ID, id, []any{}))

	// The bot's own messages take reactions too; other messages keep none.
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "Danke"}))
	botMsg, _ := s.LastMessage(alice.ID)
	mustOK(t, reactTo(t, s, alice.ID, botMsg.ID, emoji("🙏")))
	if got := reactions(t, s, alice.ID, botMsg.ID); !reflect.DeepEqual(got, []string{"🙏"}) || reactions(t, s, alice.ID, id) != nil {
		t.Fatalf("reactions %q and %q", got, reactions(t, s, alice.ID, id))
	}

	// Copies start without the original's reactions.
	mustOK(t, call(t, s, "copyMessage", map[string]any{"chat_id": alice.ID, "from_chat_id": alice.ID, "message_id": botMsg.ID}))
	if cp, _ := s.LastMessage(alice.ID); cp.Reactions != nil {
		t.Fatalf("copy has reactions %q", cp.Reactions)
	}

	mustOK(t, call(t, s, "deleteMessage", map[string]any{"chat_id": alice.ID, "message_id": botMsg.ID}))
	mustFail(t, reactTo(t, s, alice.ID, botMsg.ID, emoji("👍")), 400, "message to react not found")
	mustFail(t, reactTo(t, s, alice.ID, 999, emoji("👍")), 400, "message to react not found")
	mustFail(t, reactTo(t, s, 77, id, emoji("👍")), 400, "chat not found")
	mustFail(t, call(t, s, "setMessageReaction", map[string]any{"chat_id": alice.ID, "reaction": emoji("👍")}), 400, "message_id is empty")
	mustFail(t, call(t, s, "setMessageReaction", map[string]any{"message_id": id, "reaction": emoji("👍")}), 400, "chat_id is empty")
	s.Block(alice.ID)
	mustFail(t, reactTo(t, s, alice.ID, id, emoji("👍")), 403, "blocked")
	s.Unblock(alice.ID)
	mustOK(t, reactTo(t, s, alice.ID, id, emoji("👍")))
}

// TestReactionEmojiList checks emojis from the whole ReactionTypeEmoji
// list, including the sequences joined with U+200D and those that usually
// carry U+FE0F.
func TestReactionEmojiList(t *testing.T) {
	s := newServer(t)
	id := s.MessageIDOf(s.SendText(alice, "hi"))
	for _, e := range []string{"❤", "👍", "👎", "🔥", "🕊", "❤\u200d🔥", "⚡", "👨\u200d💻", "✍", "☃", "🫡", "🆒", "🤷\u200d♂", "🤷", "🤷\u200d♀", "😡"} {
		mustOK(t, reactTo(t, s, alice.ID, id, emoji(e)))
		if got := reactions(t, s, alice.ID, id); len(got) != 1 || got[0] != e {
			t.Fatalf("reaction %q stored as %q", e, got)
		}
	}
	for _, e := range []string{"❤\ufe0f", "❤\ufe0f\u200d🔥", "☃\ufe0f", "🤷\u200d♂\ufe0f", "👍🏽", "😀", "❤ "} {
		mustFail(t, reactTo(t, s, alice.ID, id, emoji(e)), 400, "REACTION_INVALID")
	}
}

func TestSetMessageReactionInAlbumGoesToFirstMessage(t *testing.T) {
	s := newServer(t)
	album := s.SendAlbum(alice, 3, "Unterlagen")
	ids := []int{s.MessageIDOf(album[0]), s.MessageIDOf(album[1]), s.MessageIDOf(album[2])}
	mustOK(t, reactTo(t, s, alice.ID, ids[2], emoji("👀")))
	if reactions(t, s, alice.ID, ids[0]) == nil || reactions(t, s, alice.ID, ids[2]) != nil {
		t.Fatalf("album reaction on %q / %q, want it on the first message", reactions(t, s, alice.ID, ids[0]), reactions(t, s, alice.ID, ids[2]))
	}
	mustOK(t, call(t, s, "deleteMessage", map[string]any{"chat_id": alice.ID, "message_id": ids[0]}))
	mustOK(t, reactTo(t, s, alice.ID, ids[2], emoji("👌")))
	if got := reactions(t, s, alice.ID, ids[1]); !reflect.DeepEqual(got, []string{"👌"}) || reactions(t, s, alice.ID, ids[2]) != nil {
		t.Fatalf("after deleting the first message the reaction is on %q / %q", got, reactions(t, s, alice.ID, ids[2]))
	}
	// A message outside the album keeps its own reaction.
	single := s.MessageIDOf(s.SendPhoto(alice, ""))
	mustOK(t, reactTo(t, s, alice.ID, single, emoji("🔥")))
	if reactions(t, s, alice.ID, single) == nil {
		t.Fatal("a single photo did not get its reaction")
	}
}

func TestSetMessageReactionWithGoTelegramBot(t *testing.T) {
	s := newServer(t)
	id := s.MessageIDOf(s.SendMedia(alice, fakeapi.Media{Kind: "location", Latitude: 1, Longitude: 2}))
	b, err := bot.New(fakeapi.Token, bot.WithServerURL(s.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	big := true
	ok, err := b.SetMessageReaction(ctx, &bot.SetMessageReactionParams{
		ChatID:    alice.ID,
		MessageID: id,
		Reaction:  []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Emoji: "👌"}}},
		IsBig:     &big,
	})
	if err != nil || !ok {
		t.Fatalf("SetMessageReaction = %v, %v", ok, err)
	}
	if got := reactions(t, s, alice.ID, id); !reflect.DeepEqual(got, []string{"👌"}) {
		t.Fatalf("reactions %q", got)
	}
	_, err = b.SetMessageReaction(ctx, &bot.SetMessageReactionParams{
		ChatID:    alice.ID,
		MessageID: id,
		Reaction:  []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Emoji: "❤️"}}},
	})
	if err == nil || !strings.Contains(err.Error(), "REACTION_INVALID") {
		t.Fatalf("expected REACTION_INVALID, got %v", err)
	}
	// The library leaves out an empty reaction list: that removes it.
	if ok, err := b.SetMessageReaction(ctx, &bot.SetMessageReactionParams{ChatID: alice.ID, MessageID: id}); err != nil || !ok {
		t.Fatalf("removal = %v, %v", ok, err)
	}
	if got := reactions(t, s, alice.ID, id); got != nil {
		t.Fatalf("reaction not removed: %q", got)
	}
}
