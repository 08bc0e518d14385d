package fakeapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxBodyBytes caps request bodies: Telegram accepts uploads of up to 50 MB,
// plus some room for the multipart envelope.
const maxBodyBytes = 52 << 20

// apiError is a failed Bot API response.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func errChatNotFound() *apiError { return badRequest("chat not found") }

// UploadedFile is a file part of a multipart/form-data request.
type UploadedFile struct {
	FileName string
	Data     []byte
}

// request holds the parameters of one Bot API call, normalised the way the
// real server does it: every scalar is a string, complex values are JSON
// text, and uploaded files are kept separately.
type request struct {
	ctx   context.Context
	args  map[string]string
	files map[string]UploadedFile
}

// parseRequest reads parameters from the query string and from a JSON,
// URL-encoded or multipart body.
func parseRequest(w http.ResponseWriter, r *http.Request) (*request, *apiError) {
	q := &request{ctx: r.Context(), args: map[string]string{}, files: map[string]UploadedFile{}}
	for name, values := range r.URL.Query() {
		if len(values) > 0 {
			q.args[name] = values[0]
		}
	}
	if r.Body == nil {
		return q, nil
	}
	body := http.MaxBytesReader(w, r.Body, maxBodyBytes)
	defer body.Close()

	mediaType, mediaParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json":
		data, err := io.ReadAll(body)
		if err != nil {
			return q, readError(err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return q, nil
		}
		if apiErr := q.addJSON(data); apiErr != nil {
			return q, apiErr
		}
	case "application/x-www-form-urlencoded":
		data, err := io.ReadAll(body)
		if err != nil {
			return q, readError(err)
		}
		values, err := url.ParseQuery(string(data))
		if err != nil {
			return q, badRequest("can't parse URL-encoded request body")
		}
		for name, vs := range values {
			if len(vs) > 0 {
				q.args[name] = vs[0]
			}
		}
	case "multipart/form-data":
		boundary := mediaParams["boundary"]
		if boundary == "" {
			return q, badRequest("can't parse multipart request: no boundary")
		}
		buffered := bufio.NewReader(body)
		if _, err := buffered.Peek(1); err == io.EOF {
			return q, nil // an empty body means no parameters, as the real server treats it
		}
		if apiErr := q.addMultipart(multipart.NewReader(buffered, boundary)); apiErr != nil {
			return q, apiErr
		}
	}
	return q, nil
}

func readError(err error) *apiError {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &apiError{code: http.StatusRequestEntityTooLarge, description: "Request Entity Too Large"}
	}
	return badRequest("can't read request body")
}

func (q *request) addJSON(data []byte) *apiError {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return badRequest("can't parse JSON request body: expected a JSON object")
	}
	for name, value := range obj {
		text, ok := jsonValueToArg(value)
		if ok {
			q.args[name] = text
		}
	}
	return nil
}

// jsonValueToArg turns a decoded JSON value into the string form the real
// server works with. Nulls are treated as absent.
func jsonValueToArg(value any) (string, bool) {
	switch v := value.(type) {
	case nil:
		return "", false
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return "", false
		}
		return string(data), true
	}
}

func (q *request) addMultipart(reader *multipart.Reader) *apiError {
	for {
		part, err := reader.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if apiErr := readError(err); apiErr.code == http.StatusRequestEntityTooLarge {
				return apiErr
			}
			return badRequest("can't parse multipart request body")
		}
		data, err := io.ReadAll(part)
		part.Close()
		if err != nil {
			return readError(err)
		}
		name := part.FormName()
		if name == "" {
			continue
		}
		if part.FileName() != "" {
			q.files[name] = UploadedFile{FileName: part.FileName(), Data: data}
			continue
		}
		q.args[name] = string(data)
	}
}

// has reports whether a parameter (or file part) was sent.
func (q *request) has(name string) bool {
	if _, ok := q.args[name]; ok {
		return true
	}
	_, ok := q.files[name]
	return ok
}

// str returns a string parameter, "" if absent.
func (q *request) str(name string) string {
	return q.args[name]
}

// intArg parses an optional integer parameter.
func (q *request) intArg(name string) (int64, bool, *apiError) {
	raw, ok := q.args[name]
	if !ok || raw == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, false, badRequest("invalid %s: %q is not an integer", name, truncate(raw, 40))
	}
	return n, true, nil
}

// requiredInt parses a required integer parameter.
func (q *request) requiredInt(name string) (int64, *apiError) {
	n, ok, err := q.intArg(name)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, badRequest("%s is empty", name)
	}
	return n, nil
}

// boolArg parses an optional boolean parameter as the real server accepts it.
func (q *request) boolArg(name string) (bool, *apiError) {
	raw, ok := q.args[name]
	if !ok || raw == "" {
		return false, nil
	}
	switch strings.ToLower(raw) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, badRequest("invalid %s: %q is not a boolean", name, truncate(raw, 40))
}

// checkBools validates optional boolean parameters without using them.
func (q *request) checkBools(names ...string) *apiError {
	for _, name := range names {
		if _, err := q.boolArg(name); err != nil {
			return err
		}
	}
	return nil
}

// jsonArg decodes an optional JSON-serialized parameter.
func (q *request) jsonArg(name string) (any, bool, *apiError) {
	raw, ok := q.args[name]
	if !ok || strings.TrimSpace(raw) == "" {
		return nil, false, nil
	}
	value, err := decodeJSON(raw)
	if err != nil {
		return nil, false, badRequest("can't parse %s JSON object", name)
	}
	return value, true, nil
}

func decodeJSON(raw string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var value any
	if err := dec.Decode(&value); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after JSON value")
	}
	return value, nil
}

// jsonFields are parameters that carry JSON; Call.Params shows them decoded.
var jsonFields = map[string]bool{
	"reply_markup":         true,
	"entities":             true,
	"caption_entities":     true,
	"commands":             true,
	"scope":                true,
	"allowed_updates":      true,
	"reply_parameters":     true,
	"link_preview_options": true,
	"reaction":             true,
}

// paramsForCall builds the decoded parameter map recorded in a Call.
func (q *request) paramsForCall() map[string]any {
	params := make(map[string]any, len(q.args)+len(q.files))
	for name, raw := range q.args {
		if jsonFields[name] {
			if value, err := decodeJSON(raw); err == nil {
				params[name] = value
				continue
			}
		}
		params[name] = raw
	}
	for name, file := range q.files {
		params[name] = file
	}
	return params
}

// truncate shortens s for use in an error description.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
