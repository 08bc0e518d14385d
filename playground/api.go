package playground

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// Telegram's limits for what a person sends.
const (
	maxTextUnits    = 4096     // a message text, in UTF-16 code units
	maxCaptionUnits = 1024     // a caption, in UTF-16 code units
	maxUploadBytes  = 20 << 20 // the largest file a bot can download
)

// maxAdvance is the longest jump of the clock at once; a year covers every retention period.
const maxAdvance = 366 * 24 * time.Hour

// peopleView is the answer of GET /api/people: the town, its clock and everyone in the
// playground.
type peopleView struct {
	Town string `json:"town"`
	// Translation names the machine-translation engine the bot uses, "" when it is off.
	Translation string    `json:"translation"`
	Clock       clockView `json:"clock"`
	People      []Person  `json:"people"`
}

func (h *Handler) listPeople(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, peopleView{Town: h.town, Translation: h.translation, Clock: h.clockView(), People: h.cast.list()})
}

// addPerson adds a client: {"name": "Dilan", "language": "ckb"}.
func (h *Handler) addPerson(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name     string `json:"name"`
		Language string `json:"language"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	p, err := h.cast.add(in.Name, in.Language)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// chat answers with a person's chat with the bot as it looks now.
func (h *Handler) chat(w http.ResponseWriter, r *http.Request) {
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, h.chatView(p, h.api.ChatLog(p.ID)))
}

// send sends a text message as the person: {"text": "/start"}, or a reply with
// {"text": "…", "replyTo": 12}. Commands get their entity from the fake Telegram.
func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	var in struct {
		Text    string `json:"text"`
		ReplyTo int    `json:"replyTo"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	switch n := utf16Len(in.Text); {
	case strings.TrimSpace(in.Text) == "":
		writeError(w, http.StatusBadRequest, "the message is empty")
		return
	case n > maxTextUnits:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the message is too long: %d characters, Telegram takes %d", n, maxTextUnits))
		return
	}
	if in.ReplyTo > 0 {
		h.api.ReplyText(p.user(), in.ReplyTo, in.Text)
	} else {
		h.api.SendText(p.user(), in.Text)
	}
	writeJSON(w, http.StatusAccepted, struct{}{})
}

// press presses an inline button under a bot message: {"message": 3, "data": "…"} names it
// by the message and its callback data, {"label": "✅ نعم"} by its label on the newest
// message that has it.
func (h *Handler) press(w http.ResponseWriter, r *http.Request) {
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	var in struct {
		Message int    `json:"message"`
		Data    string `json:"data"`
		Label   string `json:"label"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Label != "" {
		if _, err := h.api.Press(p.user(), in.Label); err != nil {
			writeError(w, http.StatusNotFound, "there is no button with this label")
			return
		}
		writeJSON(w, http.StatusAccepted, struct{}{})
		return
	}
	m, ok := h.api.MessageByID(p.ID, in.Message)
	if !ok || m.Deleted || m.From != "bot" || !hasCallback(m, in.Data) {
		writeError(w, http.StatusNotFound, "there is no such button (any more)")
		return
	}
	h.api.PressData(p.user(), m.ID, in.Data)
	writeJSON(w, http.StatusAccepted, struct{}{})
}

func hasCallback(m fakeapi.Message, data string) bool {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Kind == "callback_data" && b.Data == data {
				return true
			}
		}
	}
	return false
}

// upload sends a file as the person, from a multipart form with the fields file and,
// optionally, caption. PNG, JPEG, GIF and WebP images go as photos, like a phone sends a
// picture from its gallery; everything else goes as a document.
func (h *Handler) upload(w http.ResponseWriter, r *http.Request) {
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		writeError(w, http.StatusBadRequest, "send a file of at most 20 MB as multipart form field \"file\"")
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, header, err := r.FormFile("file")
	if err != nil {
		writeError(w, http.StatusBadRequest, "send a file as multipart form field \"file\"")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUploadBytes+1))
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, "the file could not be read")
		return
	case len(data) == 0:
		writeError(w, http.StatusBadRequest, "the file is empty")
		return
	case len(data) > maxUploadBytes:
		writeError(w, http.StatusRequestEntityTooLarge, "the file is larger than 20 MB")
		return
	}
	caption := r.FormValue("caption")
	if n := utf16Len(caption); n > maxCaptionUnits {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the caption is too long: %d characters, Telegram takes %d", n, maxCaptionUnits))
		return
	}
	if isPicture(http.DetectContentType(data)) {
		if _, err := h.api.SendPhotoData(p.user(), data, caption); err != nil {
			writeError(w, http.StatusBadRequest, "this picture cannot be sent as a photo")
			return
		}
	} else {
		h.api.SendDocument(p.user(), header.Filename, data, caption)
	}
	writeJSON(w, http.StatusAccepted, struct{}{})
}

// isPicture reports whether a content type is an image Telegram shows as a photo and a
// browser can show without risk.
func isPicture(contentType string) bool {
	switch contentType {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// file serves the file of a message in a person's chat: pictures to look at, documents to
// download. A document is never shown in the page's own origin, so an uploaded HTML file
// cannot run there.
func (h *Handler) file(w http.ResponseWriter, r *http.Request) {
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	id, err := strconv.Atoi(r.PathValue("message"))
	m, found := h.api.MessageByID(p.ID, id)
	if err != nil || !found || m.Deleted || len(m.FileData) == 0 {
		writeError(w, http.StatusNotFound, "there is no such file")
		return
	}
	if contentType := http.DetectContentType(m.FileData); isPicture(contentType) {
		w.Header().Set("Content-Type", contentType)
	} else {
		name := m.FileName
		if name == "" {
			name = "file"
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	w.Write(m.FileData)
}

// clockView is the bot's clock as the page shows it.
type clockView struct {
	Now      time.Time `json:"now"`
	Text     string    `json:"text"`     // e.g. "Mon 2 Mar 2026, 14:05"
	Zone     string    `json:"zone"`     // e.g. "Europe/Berlin"
	Advanced string    `json:"advanced"` // how far it was moved ahead, e.g. "1 d 2 h"; "" if not at all
}

func (h *Handler) clockView() clockView {
	now := h.clock.Now().In(h.loc)
	v := clockView{Now: now, Text: now.Format("Mon 2 Jan 2006, 15:04"), Zone: h.loc.String()}
	d := h.clock.Offset().Round(time.Minute)
	var parts []string
	for _, unit := range []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "min"}} {
		if n := d / unit.size; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, unit.name))
			d -= n * unit.size
		}
	}
	v.Advanced = strings.Join(parts, " ")
	return v
}

func (h *Handler) showClock(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.clockView())
}

// advanceClock moves the bot's clock ahead: {"by": "1h"} or {"by": "24h"}.
func (h *Handler) advanceClock(w http.ResponseWriter, r *http.Request) {
	var in struct {
		By string `json:"by"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	d, err := time.ParseDuration(in.By)
	if err != nil || d <= 0 || d > maxAdvance {
		writeError(w, http.StatusBadRequest, "give a duration such as 1h or 24h, at most a year")
		return
	}
	h.clock.Advance(d)
	writeJSON(w, http.StatusOK, h.clockView())
}

// person finds the person named by the request's path, or answers 404.
func (h *Handler) person(w http.ResponseWriter, r *http.Request) (Person, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p, ok := h.cast.find(id)
	if err != nil || !ok {
		writeError(w, http.StatusNotFound, "there is no such person in the playground")
		return Person{}, false
	}
	return p, true
}

// maxJSONBytes bounds a JSON request; the longest is a text of 4096 characters.
const maxJSONBytes = 64 << 10

// readJSON decodes the request body into v or answers 400.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := "the request is not the JSON object this call takes"
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			msg = "the request is too large"
		}
		writeError(w, http.StatusBadRequest, msg)
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers with {"error": msg}; the page shows msg as it is.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
