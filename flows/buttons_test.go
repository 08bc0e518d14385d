package flows_test

import (
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/flows"
)

func TestButtonDataRoundTrip(t *testing.T) {
	for _, l := range flows.Languages {
		data := flows.Data(flows.ActLanguage, l.Option)
		if len(data) > 64 {
			t.Errorf("%q is longer than Telegram's 64 bytes", data)
		}
		a, ok := flows.ParseData(data)
		if !ok || a.Name != flows.ActLanguage || a.Arg != l.Option {
			t.Errorf("ParseData(%q) = %+v, %v", data, a, ok)
		}
	}
}

func TestForgedButtonDataIsRejected(t *testing.T) {
	for _, data := range []string{
		"", "1", "1:", "lang:ar", "2:lang:ar", "1:lang:xx", "1:lang", "1:lang:ar:extra",
		"1:consent:maybe", "1:menu:admin", "1:langs:x", "1:delete:all",
		"1:mbk:1.900101-1806000000.n", "1:mbk:1.900101-1806000000.y.y", "1:bki:900101-1806000000.other.x",
		"1:lang:" + string(make([]byte, 80)),
		// Booking buttons of old, which carried the manager's Telegram id.
		"1:bkt:900101-1806562800", "1:bky:900101-1806562800.other.n", "1:mbk:2.900101-1806562800",
		"1:pg:d", "1:pg:d.0.ab", "1:pg:d.-1.ab", "1:pg:d.1.ABCD", "1:pg:d.1.abcde", "1:pg:dd.1.ab", "1:pg:d.12345.ab",
		"1:pg:d.1.ab.K-1", "1:pg:d.1.ab." + strings.Repeat("1", 41), "1:pg:d.1.ab:x",
		"1:asg:1", "1:asg:1.1", "1:asg:1.900101", "1:asg:K-1.1ab", "1:sub:20270322.1ab", "1:sub:20270322.20270326.900101",
		// Home visits: a case number, a day, an hour, "y"; answers name an appointment.
		"1:vis:K-0001", "1:vis:", "1:vsd:1", "1:vsd:1.2027032", "1:vsp:1.20270325", "1:vsp:1.20270325.9",
		"1:vsp:1.20270325.10.x", "1:vsp:1.20270325.10.altstadt", "1:vsp:1.20270325.10.y.Nord", "1:vsp:1.20270325.10.y.nord.x", "1:vsh:1", "1:vsl:A-", "1:vsh:A-1.y",
	} {
		if a, ok := flows.ParseData(data); ok {
			t.Errorf("ParseData(%q) accepted as %+v", data, a)
		}
	}
}

func FuzzParseData(f *testing.F) {
	f.Add("1:lang:ar")
	f.Add("1:menu:help")
	f.Add("1:consent:yes")
	f.Add("1:bky:m2-1806562800.other.y")
	f.Add("1:pg:d.2.k3f9")
	f.Add("1:pg:s.31.0.info.20270323")
	f.Add("1:asg:42.7qx")
	f.Add("1:sub:20270322.20270326.12ab")
	f.Add("1:vsp:42.20270325.10.y")
	f.Add("1:vsh:A-7")
	f.Fuzz(func(t *testing.T, data string) {
		a, ok := flows.ParseData(data)
		if !ok {
			return
		}
		if again := flows.Data(a.Name, a.Arg); a.Arg != "" && again != data {
			t.Errorf("accepted %q but it encodes back as %q", data, again)
		}
		if len(data) > 64 {
			t.Errorf("accepted %d bytes", len(data))
		}
	})
}

func FuzzParseInvite(f *testing.F) {
	f.Add("inv-abcdefghijklmnop")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, payload string) {
		token, ok := flows.ParseInvite(payload)
		if !ok {
			return
		}
		if len(payload) > 64 || token == "" {
			t.Errorf("accepted %q", payload)
		}
		for _, r := range payload {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
				t.Errorf("accepted %q with %q", payload, r)
			}
		}
	})
}
