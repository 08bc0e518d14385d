// Package fakeapi is a fake Telegram Bot API server that speaks the real
// HTTP protocol. End-to-end tests run the bot against it, and a browser
// playground can use it to let people chat with the bot without Telegram.
//
// The server validates requests the way Telegram does (required fields,
// text limits in UTF-16 code units, HTML parse mode, reply markup), so a
// bot that passes tests against it does not get rejected by the real Bot
// API. Test code acts as users (SendText, Press, …), reads what chats
// hold and received over time (Messages, ChatLog, Received), inspects every
// API call (Calls, Rejected) and injects faults (InjectFaults, Block,
// SetSlow).
//
// All methods are safe for concurrent use.
package fakeapi

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Token is a well-formed bot token the server created by New accepts.
const Token = "123456789:AAtestTokenForTheFakeBotApiServer0000"

// Identity of the fake bot returned by getMe.
const (
	botUsername  = "lotse_test_bot"
	botFirstName = "Lotse Test Bot"
	fallbackID   = 123456789
	maxCallsKept = 100000
)

// Server is a fake Bot API server listening on 127.0.0.1.
type Server struct {
	token       string
	botID       int64
	botUsername string
	botName     string

	listener  net.Listener
	httpSrv   *http.Server
	baseURL   string
	done      chan struct{}
	closeOnce sync.Once
	methods   map[string]apiMethod

	mu sync.Mutex

	// updates
	nextUpdateID   int64
	queue          []*queuedUpdate
	wake           chan struct{}
	pollSeq        int64
	allowedUpdates []string
	updateMessages map[int64]int
	webhookURL     string
	webhookMaxConn int

	// chats, files and callback queries
	chats        map[int64]*chat
	blocked      map[int64]string // user id → the 403's description
	files        map[string]*storedFile
	filePaths    map[string]*storedFile
	nextFile     int
	callbacks    map[string]*callbackState
	nextCallback int64
	commands     map[string][]BotCommand
	// nextMediaGroup numbers the media_group_id of albums
	nextMediaGroup int64

	// calls and faults
	calls    []Call
	rejected []Call
	faults   map[string][]Fault
	slow     time.Duration
	flood    *rate.Limiter // messages allowed over all chats; nil for no limit
}

// apiMethod is the implementation of one Bot API method. Unless blocking is
// set, handle runs with s.mu held.
type apiMethod struct {
	handle   func(q *request) (any, *apiError)
	blocking bool
}

// described is a successful result that carries a description, like the
// replies of setWebhook.
type described struct {
	result      any
	description string
}

// Call is one request the server received.
type Call struct {
	Method string         // method name as sent
	Params map[string]any // parameters; JSON fields decoded, files as UploadedFile
	At     time.Time      // when the request arrived
	Status int            // HTTP status of the response
	Error  string         // description of a failed response
	// Injected is set when the response was a fault from InjectFaults
	// (the 403 of a blocked user is not a fault).
	Injected bool
}

// New starts a server on 127.0.0.1 with a random port that accepts Token.
func New() *Server {
	return NewWithToken(Token)
}

// NewWithToken starts a server that accepts the given bot token. The bot's
// id is the numeric part of the token before the colon. If no listener can
// be opened the server still works as an http.Handler, and URL returns "".
func NewWithToken(token string) *Server {
	s := &Server{
		token:          token,
		botID:          fallbackID,
		botUsername:    botUsername,
		botName:        botFirstName,
		done:           make(chan struct{}),
		nextUpdateID:   firstUpdateID,
		wake:           make(chan struct{}),
		updateMessages: map[int64]int{},
		chats:          map[int64]*chat{},
		blocked:        map[int64]string{},
		files:          map[string]*storedFile{},
		filePaths:      map[string]*storedFile{},
		callbacks:      map[string]*callbackState{},
		nextCallback:   4382000000000000001,
		commands:       map[string][]BotCommand{},
		faults:         map[string][]Fault{},
	}
	if prefix, _, ok := strings.Cut(token, ":"); ok {
		if id, err := strconv.ParseInt(prefix, 10, 64); err == nil && id > 0 {
			s.botID = id
		}
	}
	s.methods = s.methodTable()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return s
	}
	s.listener = listener
	s.baseURL = "http://" + listener.Addr().String()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.httpSrv.Serve(listener) }()
	return s
}

func (s *Server) methodTable() map[string]apiMethod {
	locked := func(f func(q *request) (any, *apiError)) apiMethod { return apiMethod{handle: f} }
	return map[string]apiMethod{
		"getme":                  locked(s.getMe),
		"getupdates":             {handle: s.getUpdates, blocking: true},
		"setwebhook":             locked(s.setWebhook),
		"deletewebhook":          locked(s.deleteWebhook),
		"getwebhookinfo":         locked(s.getWebhookInfo),
		"setmycommands":          locked(s.setMyCommands),
		"deletemycommands":       locked(s.deleteMyCommands),
		"getmycommands":          locked(s.getMyCommands),
		"sendmessage":            locked(s.sendMessage),
		"sendphoto":              locked(s.sendPhoto),
		"senddocument":           locked(s.sendDocument),
		"copymessage":            locked(s.copyMessage),
		"setmessagereaction":     locked(s.setMessageReaction),
		"sendchataction":         locked(s.sendChatAction),
		"editmessagetext":        locked(s.editMessageText),
		"editmessagereplymarkup": locked(s.editMessageReplyMarkup),
		"deletemessage":          locked(s.deleteMessage),
		"answercallbackquery":    locked(s.answerCallbackQuery),
		"getfile":                locked(s.getFile),
	}
}

// URL returns the base URL of the server, e.g. "http://127.0.0.1:4567".
// The bot calls URL()+"/bot"+token+"/"+method.
func (s *Server) URL() string { return s.baseURL }

// Close stops the server and ends pending long polls.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		if s.httpSrv != nil {
			_ = s.httpSrv.Close()
		}
	})
}

// BotID returns the bot's user id as reported by getMe.
func (s *Server) BotID() int64 { return s.botID }

// BotUsername returns the bot's username as reported by getMe.
func (s *Server) BotUsername() string { return s.botUsername }

func (s *Server) getMe(*request) (any, *apiError) {
	return apiBotUser{ID: s.botID, IsBot: true, FirstName: s.botName, Username: s.botUsername, CanJoinGroups: true}, nil
}

// ServeHTTP implements the Bot API HTTP protocol: /bot<token>/<method> and
// file downloads under /file/bot<token>/<file_path>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, hasMethod := strings.Cut(rest, "/")
	if !ok || !hasMethod || method == "" || strings.Contains(method, "/") {
		writeError(w, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	call := Call{Method: method, At: time.Now()}
	q, parseErr := parseRequest(w, r)
	if q != nil {
		call.Params = q.paramsForCall()
	}
	if token != s.token {
		s.finish(w, call, nil, &apiError{code: http.StatusUnauthorized, description: "Unauthorized"})
		return
	}
	if parseErr != nil {
		if r.Context().Err() != nil {
			// The client hung up while sending: Telegram never saw a request.
			return
		}
		s.finish(w, call, nil, parseErr)
		return
	}
	if !sleepCtx(r, s.done, s.slowDelay()) {
		return
	}
	name := strings.ToLower(method)
	m, known := s.methods[name]
	if !known {
		s.finish(w, call, nil, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	if fault, ok := s.nextFault(name); ok {
		if !sleepCtx(r, s.done, fault.Delay) {
			return
		}
		if fault.Status != 0 {
			call.Injected = true
			s.writeFault(w, call, fault)
			return
		}
	}
	if apiErr := s.floodRefusal(name, time.Now()); apiErr != nil {
		s.finish(w, call, nil, apiErr)
		return
	}
	result, apiErr := s.run(m, q)
	s.finish(w, call, result, apiErr)
}

// run calls a method implementation, holding the lock for non-blocking
// methods and turning a panic into a 500 so the fake never crashes a test.
func (s *Server) run(m apiMethod, q *request) (result any, apiErr *apiError) {
	defer func() {
		if p := recover(); p != nil {
			result = nil
			apiErr = &apiError{code: http.StatusInternalServerError, description: fmt.Sprintf("Internal Server Error: fakeapi bug: %v", p)}
		}
	}()
	if m.blocking {
		return m.handle(q)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return m.handle(q)
}

// sleepCtx waits for d unless the request or the server ends first; it
// reports whether the full delay elapsed.
func sleepCtx(r *http.Request, done <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
		return false
	case <-done:
		return false
	}
}

// finish writes the response and records the call.
func (s *Server) finish(w http.ResponseWriter, call Call, result any, apiErr *apiError) {
	if apiErr != nil {
		call.Status = apiErr.code
		call.Error = apiErr.description
		writeError(w, apiErr)
	} else {
		call.Status = http.StatusOK
		resp := okResponse{OK: true, Result: result}
		if d, ok := result.(described); ok {
			resp = okResponse{OK: true, Result: d.result, Description: d.description}
		}
		writeJSON(w, http.StatusOK, resp)
	}
	s.record(call)
}

func (s *Server) record(call Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.calls) >= maxCallsKept {
		s.calls = append([]Call(nil), s.calls[maxCallsKept/2:]...)
	}
	s.calls = append(s.calls, call)
	if !call.Injected && isRejection(call.Status) && call.Error != errChatNotFound().description {
		s.rejected = append(s.rejected, call)
	}
}

// isRejection reports whether a status means the request itself was wrong:
// a validation error, an unknown method or an oversized body.
func isRejection(status int) bool {
	return status == http.StatusBadRequest || status == http.StatusNotFound || status == http.StatusRequestEntityTooLarge
}

func writeError(w http.ResponseWriter, e *apiError) {
	resp := errorResponse{OK: false, ErrorCode: e.code, Description: e.description}
	if e.retryAfter > 0 {
		resp.Parameters = &responseParameters{RetryAfter: e.retryAfter}
	}
	writeJSON(w, e.code, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error: can't encode result"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// Calls returns the recorded requests for a method (case-insensitive), or
// all requests for "". Rejected and faulted requests are included. Only the
// most recent 50,000-100,000 calls are kept.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// Rejected returns every request the server refused as invalid: 400 Bad
// Request from validation, 404 for unknown methods and 413 for oversized
// bodies. Injected faults are not included, nor "chat not found": a correct
// bot cannot know beforehand that a user never opened the chat. Tests of a correct bot expect
// this to be empty.
func (s *Server) Rejected() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.rejected...)
}
