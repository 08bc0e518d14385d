package fake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/translate/fake"
)

// send makes a raw request and returns the status and body.
func send(t *testing.T, method, u, contentType, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestLibreTranslateChecksRequests(t *testing.T) {
	srv := fake.NewLibreTranslate(fake.Options{})
	defer srv.Close()
	const js = "application/json"
	for _, tc := range []struct {
		name, method, path, contentType, body string
		status                                int
		want                                  string // in the body
	}{
		{"translate by GET", "GET", "/translate", "", "", 405, "Method Not Allowed"},
		{"unknown path", "POST", "/v2/translate", js, `{}`, 404, "Not Found"},
		{"no q", "POST", "/translate", js, `{"source":"de","target":"ar"}`, 400, `{"error":"Invalid request: missing q parameter"}`},
		{"no source", "POST", "/translate", js, `{"q":"Hallo","target":"ar"}`, 400, `{"error":"Invalid request: missing source parameter"}`},
		{"no target", "POST", "/translate", js, `{"q":"Hallo","source":"de"}`, 400, `{"error":"Invalid request: missing target parameter"}`},
		{"JSON that is no object", "POST", "/translate", js, `["Hallo"]`, 400, `{"error":"Invalid JSON format"}`},
		{"unsupported target", "POST", "/translate", js, `{"q":"Hallo","source":"de","target":"ti"}`, 400, `{"error":"ti is not supported"}`},
		{"unsupported source", "POST", "/translate", js, `{"q":"Hallo","source":"ckb","target":"de"}`, 400, `{"error":"ckb is not supported"}`},
		{"unknown format", "POST", "/translate", js, `{"q":"Hallo","source":"de","target":"ar","format":"pdf"}`, 400, `{"error":"pdf format is not supported"}`},
		{"translate JSON", "POST", "/translate", js, `{"q":"Hallo","source":"de","target":"ar"}`, 200, `{"translatedText":"[de→ar] Hallo"}`},
		{"translate form", "POST", "/translate", "application/x-www-form-urlencoded", "q=Hallo&source=de&target=ar", 200, `{"translatedText":"[de→ar] Hallo"}`},
		{"translate a list", "POST", "/translate", js, `{"q":["Hallo","Danke"],"source":"de","target":"ar"}`, 200, `{"translatedText":["[de→ar] Hallo","[de→ar] Danke"]}`},
		{"detect while translating", "POST", "/translate", js, `{"q":"Привіт, як справи","source":"auto","target":"de"}`, 200, `"detectedLanguage":{"confidence":90,"language":"uk"}`},
		{"detect", "POST", "/detect", js, `{"q":"سلام، یک سوال دارم"}`, 200, `[{"confidence":85,"language":"fa"}]`},
		{"detect without q", "POST", "/detect", js, `{}`, 400, `{"error":"Invalid request: missing q parameter"}`},
		{"detect by GET", "GET", "/detect", "", "", 405, "Method Not Allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := send(t, tc.method, srv.URL+tc.path, tc.contentType, tc.body, nil)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%d %s, want %d with %s", status, body, tc.status, tc.want)
			}
		})
	}
}

func TestLibreTranslateListsItsLanguages(t *testing.T) {
	srv := fake.NewLibreTranslate(fake.Options{Languages: []string{"en", "de", "ar"}})
	defer srv.Close()
	status, body := send(t, "GET", srv.URL+"/languages", "", "", nil)
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	var got []struct {
		Code    string   `json:"code"`
		Name    string   `json:"name"`
		Targets []string `json:"targets"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		Code    string   `json:"code"`
		Name    string   `json:"name"`
		Targets []string `json:"targets"`
	}{
		{"ar", "Arabic", []string{"de", "en"}},
		{"de", "German", []string{"ar", "en"}},
		{"en", "English", []string{"ar", "de"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("languages = %+v, want %+v", got, want)
	}
}

func TestLibreTranslateKey(t *testing.T) {
	srv := fake.NewLibreTranslate(fake.Options{Key: "k1"})
	defer srv.Close()
	const js = "application/json"
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"no key", `{"q":"Hallo","source":"de","target":"ar"}`, 400, "Please contact the server operator to get an API key"},
		{"wrong key", `{"q":"Hallo","source":"de","target":"ar","api_key":"k2"}`, 403, "Invalid API key"},
		{"right key", `{"q":"Hallo","source":"de","target":"ar","api_key":"k1"}`, 200, "translatedText"},
	} {
		status, body := send(t, "POST", srv.URL+"/translate", js, tc.body, nil)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d with %s", tc.name, status, body, tc.status, tc.want)
		}
	}
	// The language list needs no key, as at LibreTranslate.
	if status, _ := send(t, "GET", srv.URL+"/languages", "", "", nil); status != 200 {
		t.Errorf("languages without a key: status %d, want 200", status)
	}
	for _, r := range srv.Requests() {
		if _, kept := r.Params["api_key"]; kept {
			t.Errorf("the record of %s kept the key", r.Path)
		}
	}
}

func TestDeepLChecksRequests(t *testing.T) {
	srv := fake.NewDeepL(fake.Options{})
	defer srv.Close()
	auth := map[string]string{"Authorization": "DeepL-Auth-Key " + fake.DeepLKey}
	const js = "application/json"
	for _, tc := range []struct {
		name, method, path, contentType, body string
		header                                map[string]string
		status                                int
		want                                  string
	}{
		{"no key", "POST", "/v2/translate", js, `{"text":["Hallo"],"target_lang":"AR"}`, nil, 403, ""},
		{"wrong key", "POST", "/v2/translate", js, `{"text":["Hallo"],"target_lang":"AR"}`, map[string]string{"Authorization": "DeepL-Auth-Key wrong:fx"}, 403, ""},
		{"key in the body", "POST", "/v2/translate", "application/x-www-form-urlencoded", "auth_key=" + url.QueryEscape(fake.DeepLKey) + "&text=Hallo&target_lang=AR", nil, 403, ""},
		{"translate by GET", "GET", "/v2/translate?text=Hallo&target_lang=AR", "", "", auth, 405, ""},
		{"plain text body", "POST", "/v2/translate", "text/plain", "Hallo", auth, 415, "unsupported media type"},
		{"text as a string", "POST", "/v2/translate", js, `{"text":"Hallo","target_lang":"AR"}`, auth, 400, "text"},
		{"no text", "POST", "/v2/translate", js, `{"target_lang":"AR"}`, auth, 400, `Parameter 'text' not specified.`},
		{"no target", "POST", "/v2/translate", js, `{"text":["Hallo"]}`, auth, 400, `Parameter 'target_lang' not specified.`},
		{"English without variant as target", "POST", "/v2/translate", js, `{"text":["Hallo"],"target_lang":"EN"}`, auth, 400, `Value for 'target_lang' not supported.`},
		{"Tigrinya", "POST", "/v2/translate", js, `{"text":["Hallo"],"target_lang":"TI"}`, auth, 400, `Value for 'target_lang' not supported.`},
		{"variant as source", "POST", "/v2/translate", js, `{"text":["Hello"],"source_lang":"EN-GB","target_lang":"DE"}`, auth, 400, `Value for 'source_lang' not supported.`},
		{"bad split_sentences", "POST", "/v2/translate", js, `{"text":["Hallo"],"target_lang":"AR","split_sentences":"2"}`, auth, 400, `Value for 'split_sentences' not supported.`},
		{"too large", "POST", "/v2/translate", js, `{"text":["` + strings.Repeat("a", 130*1024) + `"],"target_lang":"AR"}`, auth, 413, ""},
		{"translate JSON", "POST", "/v2/translate", js, `{"text":["Hallo","Danke"],"source_lang":"de","target_lang":"en-gb"}`, auth, 200,
			`{"translations":[{"detected_source_language":"DE","text":"[DE→EN-GB] Hallo"},{"detected_source_language":"DE","text":"[DE→EN-GB] Danke"}]}`},
		{"translate form", "POST", "/v2/translate", "application/x-www-form-urlencoded", "text=Hallo&target_lang=KMR", auth, 200,
			`{"translations":[{"detected_source_language":"DE","text":"[DE→KMR] Hallo"}]}`},
		{"no detection of Persian", "POST", "/v2/translate", js, `{"text":["سلام، یک سوال دارم"],"target_lang":"DE"}`, auth, 200, `"detected_source_language":"EN"`},
		{"languages without resource", "GET", "/v3/languages", "", "", auth, 400, "resource"},
		{"languages by POST", "POST", "/v3/languages?resource=translate_text", "", "", auth, 405, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := send(t, tc.method, srv.URL+tc.path, tc.contentType, tc.body, tc.header)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%d %.200s, want %d with %s", status, body, tc.status, tc.want)
			}
		})
	}
}

func TestDeepLListsNewLanguagesOnlyInV3(t *testing.T) {
	srv := fake.NewDeepL(fake.Options{})
	defer srv.Close()
	auth := map[string]string{"Authorization": "DeepL-Auth-Key " + fake.DeepLKey}
	_, v3 := send(t, "GET", srv.URL+"/v3/languages?resource=translate_text", "", "", auth)
	var langs []struct {
		Lang           string         `json:"lang"`
		UsableAsSource bool           `json:"usable_as_source"`
		UsableAsTarget bool           `json:"usable_as_target"`
		Features       map[string]any `json:"features"`
	}
	if err := json.Unmarshal([]byte(v3), &langs); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, l := range langs {
		_, detect := l.Features["auto_detection"]
		found[l.Lang] = strings.Join([]string{mark(l.UsableAsSource, "source"), mark(l.UsableAsTarget, "target"), mark(detect, "detect")}, " ")
	}
	for lang, want := range map[string]string{
		"ckb":   "source target -",
		"kmr":   "source target -",
		"ar":    "source target detect",
		"en":    "source - detect",
		"en-GB": "- target -",
	} {
		if found[lang] != want {
			t.Errorf("v3 %s: %q, want %q", lang, found[lang], want)
		}
	}
	if _, ok := found["ti"]; ok {
		t.Error("v3 lists Tigrinya")
	}
	_, v2 := send(t, "GET", srv.URL+"/v2/languages?type=target", "", "", auth)
	if strings.Contains(v2, `"CKB"`) || !strings.Contains(v2, `"EN-GB"`) || strings.Contains(v2, `"EN"`) {
		t.Errorf("v2 target languages = %s, want EN-GB but neither CKB nor EN", v2)
	}
}

func mark(b bool, s string) string {
	if b {
		return s
	}
	return "-"
}

func TestServerRecordsAndForgets(t *testing.T) {
	srv := fake.NewLibreTranslate(fake.Options{})
	send(t, "POST", srv.URL+"/translate", "application/json", `{"q":"Hallo Welt","source":"de","target":"ar"}`, nil)
	send(t, "GET", srv.URL+"/languages", "", "", nil)
	if got := srv.Calls("/translate"); got != 1 {
		t.Errorf("Calls(/translate) = %d, want 1", got)
	}
	if got := srv.Calls(""); got != 2 {
		t.Errorf("Calls() = %d, want 2", got)
	}
	if got := srv.Requests()[0].Params["q"]; !reflect.DeepEqual(got, []string{"Hallo Welt"}) {
		t.Errorf("recorded q = %v", got)
	}
	srv.Close()
	if got := srv.Requests(); len(got) != 0 {
		t.Errorf("after Close the server still holds %d requests with their texts", len(got))
	}
}

func TestFaultsAreForTheNextCallsOnly(t *testing.T) {
	srv := fake.NewDeepL(fake.Options{})
	defer srv.Close()
	auth := map[string]string{"Authorization": "DeepL-Auth-Key " + fake.DeepLKey}
	srv.FailNext(2, fake.TooManyRequests)
	srv.FailNext(1, fake.QuotaExceeded)
	var got []int
	for range 4 {
		status, _ := send(t, "POST", srv.URL+"/v2/translate", "application/json", `{"text":["Hallo"],"target_lang":"AR"}`, auth)
		got = append(got, status)
	}
	if want := []int{429, 429, 456, 200}; !reflect.DeepEqual(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
}

func TestAlterations(t *testing.T) {
	srv := fake.NewLibreTranslate(fake.Options{})
	defer srv.Close()
	const body = `{"q":"Ruf 07000 123-401 an, um 09:00","source":"de","target":"ar"}`
	srv.AlterNext(1, fake.ChangeDigit)
	srv.AlterNext(1, fake.DropNumber)
	for _, want := range []string{
		"[de→ar] Ruf 07000 123-401 an, um 09:01",
		"[de→ar] Ruf 07000 123-401 an, um",
		"[de→ar] Ruf 07000 123-401 an, um 09:00",
	} {
		_, got := send(t, "POST", srv.URL+"/translate", "application/json", body, nil)
		var out struct {
			TranslatedText string `json:"translatedText"`
		}
		if err := json.Unmarshal([]byte(got), &out); err != nil {
			t.Fatal(err)
		}
		if out.TranslatedText != want {
			t.Errorf("translation %q, want %q", out.TranslatedText, want)
		}
	}
}
