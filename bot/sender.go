package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/time/rate"

	"github.com/lotse-bot/lotse/flows"
)

// Limits are the sending rates. The defaults follow Telegram's advice: about 30 messages a
// second overall, about one a second per chat with short bursts.
type Limits struct {
	Global    float64 // messages per second over all chats
	PerChat   float64 // messages per second in one chat
	ChatBurst int     // messages one chat may get at once before PerChat applies
}

func (l Limits) withDefaults() Limits {
	if l.Global <= 0 {
		l.Global = 30
	}
	if l.PerChat <= 0 {
		l.PerChat = 1
	}
	if l.ChatBurst <= 0 {
		l.ChatBurst = 3
	}
	return l
}

// outMethods are the Bot API methods of the kinds of outgoing messages.
var outMethods = map[flows.OutKind]string{flows.OutSend: "sendMessage", flows.OutEdit: "editMessageText", flows.OutAnswer: "answerCallbackQuery",
	flows.OutCalendar: "sendDocument", flows.OutInviteQR: "sendPhoto", flows.OutCopy: "copyMessage", flows.OutReact: "setMessageReaction", flows.OutDocument: "sendDocument", flows.OutExport: "sendDocument",
	flows.OutTranslate: "translate", flows.OutCommands: "setMyCommands"}

// maxInFlight bounds the calls to Telegram under way at once; more would only open more
// connections, not deliver faster.
const maxInFlight = 64

// sendTimeout bounds one call to Telegram. A call under way when the bot stops is allowed to
// finish, so that what Telegram received is also removed from the outbox.
const sendTimeout = 30 * time.Second

// Sender drains the outbox: per chat in order, chats in parallel, within Limits, and where
// chats wait for the global rate, the most urgent first (see priority). A message leaves the
// outbox only when Telegram took it or refused it for good.
type Sender struct {
	api *botAPI
	db  interface {
		Outbox
		View(read func(flows.Tx) error) error
	}
	render  *Renderer
	flows   Handler
	metrics *Metrics
	log     *slog.Logger
	limits  Limits
	global  *gate
	slots   chan struct{} // one per call under way

	translator         Translator
	translationTimeout time.Duration
	translating        chan struct{} // one per translation under way

	chats *chatQueues[queued]
	wg    sync.WaitGroup // translations under way

	mu sync.Mutex
	// limiters outlive a chat's queue: a chat that gets one message at a time is still held
	// to its rate. Limiters that refilled completely are forgotten.
	limiters  map[int64]*rate.Limiter
	lastSweep time.Time
	ctx       context.Context
}

func newSender(api *botAPI, db Store, render *Renderer, flows Handler, limits Limits, log *slog.Logger, metrics *Metrics) *Sender {
	s := &Sender{
		api: api, db: db, render: render, flows: flows, log: log, limits: limits, metrics: metrics,
		global:      newGate(rate.NewLimiter(rate.Limit(limits.Global), globalBurst(limits.Global))),
		slots:       make(chan struct{}, maxInFlight),
		translating: make(chan struct{}, maxTranslating),
		limiters:    map[int64]*rate.Limiter{},
	}
	s.chats = newChatQueues(s.send)
	return s
}

// queued is an outbox entry waiting in its chat's queue, with its rank at the gate.
type queued struct {
	OutboxEntry
	prio priority
}

// globalBurst is how many messages may go out at once before the global rate applies.
// Telegram tolerates short bursts, but keeping most of that tolerance in reserve means a
// stream of messages that bunches up on the way (connections, scheduling) still stays within
// the limit on Telegram's side.
func globalBurst(global float64) int {
	return max(1, int(global)/4)
}

// start loads what the outbox still holds and begins sending; it must run before anything
// is pushed, so that older messages of a chat go out before newer ones.
func (s *Sender) start(ctx context.Context) error {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
	pending, err := s.db.Outbox()
	if err != nil {
		return fmt.Errorf("read the outbox: %w", err)
	}
	if len(pending) > 0 {
		s.log.Info("sending messages left from the last run", "count", len(pending))
	}
	s.Push(pending...)
	return nil
}

// flush waits until every queued message is sent or timeout passed, and reports whether the
// queues ran empty.
func (s *Sender) flush(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if s.chats.idle() {
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wait blocks until the sender stopped after its context ended.
func (s *Sender) wait() {
	<-s.ctx.Done()
	s.chats.wait()
	s.wg.Wait()
}

// Push queues committed outbox entries for sending, each at its priority: answers to what
// a person did first, then relays, then what the scheduler sent, then group news.
func (s *Sender) Push(entries ...OutboxEntry) {
	if len(entries) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return // they wait in the outbox for the next start
	}
	for _, e := range entries {
		if e.Out.Kind == flows.OutTranslate {
			s.wg.Add(1)
			go s.translate(e)
			continue
		}
		p := priorityOf(e.Out)
		s.chats.push(e.Out.Chat, queued{e, p})
		s.global.raise(e.Out.Chat, p)
	}
}

// limiter returns the chat's rate limiter. One that refilled completely while its chat had
// nothing to send is as good as a new one, so it is forgotten once in a while.
func (s *Sender) limiter(chat int64) *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if now.Sub(s.lastSweep) > time.Minute {
		s.lastSweep = now
		for c, l := range s.limiters {
			if !s.chats.queued(c) && l.TokensAt(now) >= float64(s.limits.ChatBurst) {
				delete(s.limiters, c)
			}
		}
	}
	l, ok := s.limiters[chat]
	if !ok {
		l = rate.NewLimiter(rate.Limit(s.limits.PerChat), s.limits.ChatBurst)
		s.limiters[chat] = l
	}
	return l
}

// send delivers the next message of a chat's queue and settles it; false means the sender
// stops, and the message stays in the outbox.
func (s *Sender) send(chat int64, q queued) bool {
	e := q.OutboxEntry
	if s.ctx.Err() != nil {
		return false
	}
	result, msgID := s.deliver(e)
	if result == 0 {
		return false
	}
	settle := []OutboxEntry{e}
	if result == flows.Unreachable {
		// Nothing more reaches this chat: every queued message takes its other way now.
		for _, r := range s.chats.rest(chat) {
			settle = append(settle, r.OutboxEntry)
		}
		s.log.Info("recipient cannot receive messages from the bot", "chat", chat, "messages", len(settle))
	}
	s.settle(settle, result, msgID)
	return true
}

// settle removes delivered or refused messages from the outbox. What follows from them — a
// relay's mapping, a message waiting for the delivery, a recipient blocked — is recorded in
// the same transaction, and the messages that causes are queued.
func (s *Sender) settle(entries []OutboxEntry, result flows.Result, msgID int) {
	if result == flows.Delivered && len(entries) == 1 && !needsSettling(entries[0].Out) {
		if err := s.db.Delivered(entries[0].Seq); err != nil {
			s.log.Error("removing a sent message from the outbox failed", "chat", entries[0].Out.Chat, "err", err)
		}
		return
	}
	next, err := s.db.Settle(entries, func(tx flows.Tx, e OutboxEntry) error {
		id := 0
		if e.Seq == entries[0].Seq {
			id = msgID
		}
		r := result
		if result == flows.Unreachable && (e.Out.Kind == flows.OutAnswer || e.Out.Kind == flows.OutReact) {
			r = flows.Refused
		}
		return s.flows.Settled(tx, e.Out, r, id)
	})
	if err != nil {
		s.log.Error("settling sent messages failed", "chat", entries[0].Out.Chat, "err", err)
		return
	}
	s.Push(next...)
}

// isMessage reports whether k puts a message in a chat. Only messages count against
// Telegram's limits: button answers, reactions and a chat's command menu do not, so a menu
// set during group news takes no slot of it.
func isMessage(k flows.OutKind) bool {
	return k != flows.OutAnswer && k != flows.OutReact && k != flows.OutCommands
}

// needsSettling reports whether anything follows from a message's delivery.
func needsSettling(o flows.Outgoing) bool {
	return o.Relay != nil || len(o.Then) > 0 || len(o.Else) > 0 || o.Broadcast != ""
}

// deliver tries to send e until Telegram took it, refused it for good, or the sender stops
// (result 0). msgID is the id of the message Telegram created, if any. A text too long for
// one message goes out in parts; each part delivered is recorded, so a restart sends only
// the rest.
func (s *Sender) deliver(e OutboxEntry) (result flows.Result, msgID int) {
	backoff := time.Duration(0)
	limiter := s.limiter(e.Out.Chat)
	for {
		if isMessage(e.Out.Kind) {
			if limiter.Wait(s.ctx) != nil || s.global.wait(s.ctx, e.Out.Chat, s.chatPriority(e.Out.Chat)) != nil {
				return 0, 0
			}
		}
		s.slots <- struct{}{}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), sendTimeout)
		finished, id, err := s.sendNext(ctx, &e.Out)
		cancel()
		<-s.slots
		s.observe(e.Out, err)
		if err == nil {
			if finished {
				if e.Out.Kind == flows.OutCopy && e.Out.Relay != nil && e.Out.Relay.Source != 0 {
					s.metrics.Relays.Inc()
				}
				return flows.Delivered, id
			}
			backoff = 0
			if err := s.db.Progress(e.Seq, e.Out); err != nil {
				s.log.Error("recording a sent part failed", "chat", e.Out.Chat, "err", err)
			}
			continue
		}
		var wait time.Duration
		switch classifyRefusal(e.Out.Kind, err) {
		case done:
			return flows.Delivered, 0
		case asNew:
			e.Out.Kind, e.Out.EditID = flows.OutSend, 0
			continue
		case unreachable:
			return flows.Unreachable, 0
		case dropOwn:
			s.log.Error("Telegram refused a malformed message; dropped", "chat", e.Out.Chat, "method", err.Method, "code", err.Code, "reason", err.Description)
			return flows.Refused, 0
		case unknown:
			s.log.Error("Telegram refused a message for a reason Lotse does not know; treated as not received", "chat", e.Out.Chat, "method", err.Method, "code", err.Code, "reason", err.Description)
			return flows.Undelivered, 0
		}
		if err.Code == http.StatusTooManyRequests {
			wait = max(err.RetryAfter, time.Second)
			s.metrics.RateLimited.Inc()
			s.metrics.RetryAfter.Add(wait.Seconds())
			s.log.Warn("Telegram asks to slow down", "chat", e.Out.Chat, "method", err.Method, "retry_after", wait)
		} else {
			backoff = min(max(2*backoff, time.Second), time.Minute)
			wait = backoff
			s.log.Warn("sending failed; will retry", "chat", e.Out.Chat, "method", err.Method, "err", err, "retry_in", wait)
		}
		select {
		case <-s.ctx.Done():
			return 0, 0
		case <-time.After(wait):
		}
	}
}

// chatPriority returns the rank chat waits with at the gate: that of its most urgent message,
// since whatever is in front of it in the chat's queue must go out first.
func (s *Sender) chatPriority(chat int64) func() priority {
	return func() priority {
		return priority(max(0, s.chats.highest(chat, func(q queued) int { return int(q.prio) })))
	}
}

// sendNext renders o in its recipient's language and makes the next Bot API call for it:
// the whole message, or its next part when the text is longer than Telegram allows. The
// buttons go with the last part. finished means nothing is left to send; msgID is the
// message the call created.
func (s *Sender) sendNext(ctx context.Context, o *flows.Outgoing) (finished bool, msgID int, _ *apiError) {
	method := outMethods[o.Kind]
	if method == "" {
		return false, 0, &apiError{Method: "unknown", Code: http.StatusBadRequest, Description: "unknown outgoing kind"}
	}
	if o.Kind == flows.OutCommands {
		return s.setCommands(ctx, o)
	}
	text, err := s.render.Text(*o)
	if err != nil {
		return false, 0, &apiError{Method: method, Code: http.StatusBadRequest, Description: err.Error()}
	}
	var reply *models.ReplyParameters
	if o.ReplyTo != 0 {
		reply = &models.ReplyParameters{MessageID: o.ReplyTo, AllowSendingWithoutReply: true}
	}
	kb, err := s.render.Keyboard(*o)
	if err != nil {
		return false, 0, &apiError{Method: method, Code: http.StatusBadRequest, Description: err.Error()}
	}
	var markup models.ReplyMarkup
	if kb != nil {
		markup = kb
	}
	switch o.Kind {
	case flows.OutAnswer:
		err := s.api.do(ctx, method, &tg.AnswerCallbackQueryParams{CallbackQueryID: o.CallbackID, Text: truncate(text, maxPopupUnits)})
		return err == nil, 0, err
	case flows.OutReact:
		err := s.api.do(ctx, method, &tg.SetMessageReactionParams{ChatID: o.Chat, MessageID: o.MessageID,
			Reaction: []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Type: models.ReactionTypeTypeEmoji, Emoji: text}}}})
		return err == nil, 0, err
	case flows.OutCopy:
		id, err := s.api.send(ctx, method, &tg.CopyMessageParams{ChatID: o.Chat, FromChatID: o.FromChat, MessageID: o.MessageID, ReplyParameters: reply, ReplyMarkup: markup})
		return err == nil, id, err
	case flows.OutInviteQR:
		png, err := qrcode.Encode(s.render.InviteLink(o.Invite), qrcode.Medium, 512)
		if err != nil {
			return false, 0, &apiError{Method: method, Code: http.StatusBadRequest, Description: "QR code: " + err.Error()}
		}
		m, err := s.api.files.SendPhoto(ctx, &tg.SendPhotoParams{
			ChatID:  o.Chat,
			Photo:   &models.InputFileUpload{Filename: "invitation.png", Data: bytes.NewReader(png)},
			Caption: truncate(text, maxCaptionUnits),
		})
		return sent(method, m, err)
	case flows.OutDocument:
		file := o.File
		if len(o.Body) > 0 {
			if file, err = s.render.Document(*o); err != nil {
				return false, 0, &apiError{Method: method, Code: http.StatusBadRequest, Description: "document: " + err.Error()}
			}
		}
		m, err := s.api.files.SendDocument(ctx, &tg.SendDocumentParams{
			ChatID:   o.Chat,
			Document: &models.InputFileUpload{Filename: o.FileName, Data: bytes.NewReader(file)},
			Caption:  truncate(text, maxCaptionUnits),
		})
		return sent(method, m, err)
	case flows.OutExport:
		var docs []flows.Outgoing
		if err := s.db.View(func(tx flows.Tx) error {
			var err error
			docs, err = s.flows.Export(tx, *o)
			return err
		}); err != nil {
			return false, 0, &apiError{Method: method, Code: http.StatusBadRequest, Description: "export: " + err.Error()}
		}
		if o.Sent >= len(docs) {
			return true, 0, nil
		}
		_, id, failed := s.sendNext(ctx, &docs[o.Sent])
		if failed != nil {
			return false, 0, failed
		}
		o.Sent++
		return o.Sent == len(docs), id, nil
	case flows.OutCalendar:
		if o.Event == nil {
			return false, 0, &apiError{Method: method, Code: http.StatusBadRequest, Description: "calendar file without an event"}
		}
		file, err := s.render.calendarFile(o.Lang, o.Event)
		if err != nil {
			return false, 0, &apiError{Method: method, Code: http.StatusBadRequest, Description: "calendar file: " + err.Error()}
		}
		m, err := s.api.files.SendDocument(ctx, &tg.SendDocumentParams{
			ChatID:   o.Chat,
			Document: &models.InputFileUpload{Filename: "appointment.ics", Data: bytes.NewReader(file)},
			Caption:  truncate(text, maxCaptionUnits),
		})
		return sent(method, m, err)
	}
	var entities []models.MessageEntity
	if o.Quote != "" {
		// The original of a translation, collapsed under it. A text too long for one
		// message goes without it rather than with a quote cut in two.
		if full := text + "\n\n" + o.Quote; units(full) <= maxTextUnits {
			entities = []models.MessageEntity{{Type: models.MessageEntityTypeExpandableBlockquote, Offset: utf16Len(text) + 2, Length: utf16Len(o.Quote)}}
			text = full
		}
	}
	parts := split(text, maxTextUnits)
	if o.Sent >= len(parts) {
		return true, 0, nil
	}
	if o.Sent != len(parts)-1 {
		markup = nil
	}
	if o.Sent != 0 {
		reply = nil
	}
	part := parts[o.Sent]
	var params any = &tg.SendMessageParams{ChatID: o.Chat, Text: part, ReplyMarkup: markup, ReplyParameters: reply, Entities: entities}
	if o.Kind == flows.OutEdit && o.Sent == 0 {
		params = &tg.EditMessageTextParams{ChatID: o.Chat, MessageID: o.EditID, Text: part, ReplyMarkup: markup}
	} else {
		method = "sendMessage"
	}
	id, failed := s.api.send(ctx, method, params)
	if failed != nil {
		return false, 0, failed
	}
	o.Sent++
	return o.Sent == len(parts), id, nil
}

// setCommands sets o.Commands, described in o.Lang, as the command menu of o.Chat. The chat
// scope wins over the menus set per language_code, so a Sorani or Dari speaker whose phone
// is in another language sees their own.
func (s *Sender) setCommands(ctx context.Context, o *flows.Outgoing) (bool, int, *apiError) {
	commands, err := s.render.Commands(o.Lang, o.Commands)
	if err != nil {
		return false, 0, &apiError{Method: "setMyCommands", Code: http.StatusBadRequest, Description: err.Error()}
	}
	failed := s.api.do(ctx, "setMyCommands", &commandsParams{Commands: commands, Scope: &chatScope{Type: "chat", ChatID: o.Chat}})
	return failed == nil, 0, failed
}

// observe counts a Bot API call of the sender by method and result.
func (s *Sender) observe(o flows.Outgoing, err *apiError) {
	method, result := outMethods[o.Kind], "ok"
	if err != nil {
		result = [...]string{retry: "retry", done: "ok", asNew: "refused", dropOwn: "refused", unreachable: "unreachable", unknown: "unknown"}[classifyRefusal(o.Kind, err)]
	}
	if err == nil || err.Code != 0 {
		s.metrics.contact()
	}
	s.metrics.Sends.WithLabelValues(method, result).Inc()
}

// sent is the result of a call that created one message.
func sent(method string, m *models.Message, err error) (bool, int, *apiError) {
	if err != nil {
		return false, 0, callError(method, err)
	}
	return true, m.ID, nil
}

// callError classifies a failed call; a timeout is temporary.
func callError(method string, err error) *apiError {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{Method: method, Err: errors.New("timed out")}
	}
	return classify(method, err)
}
