package flows_test

import (
	"testing"

	"github.com/lotse-bot/lotse/flows"
)

func TestSuggestOnlyConfidentMatches(t *testing.T) {
	all := []string{"de", "en", "ar", "fa", "prs", "ps", "ku", "ckb", "ti", "so", "uk", "ru", "tr", "fr"}
	few := []string{"de", "en", "ar"}
	tests := []struct {
		offered []string
		code    string
		want    string
	}{
		{all, "ar", "ar"},
		{all, "ar-SY", "ar"},
		{all, "ckb", "ckb"},
		{all, "fa", "fa"},
		{all, "fa-AF", "prs"},
		{all, "de-AT", "de"},
		{all, "en-US", "en"},
		{all, "uk", "uk"},
		{all, "", ""},
		{all, "xx", ""},
		{all, "nl", ""},
		{all, "be", ""},  // Belarusian is not Russian
		{few, "ckb", ""}, // a Sorani speaker is asked, never served Arabic
		{few, "ps", ""},
		{few, "ti", ""},
		{few, "fa", ""},
		{few, "ar-IQ", "ar"},
		{all, "not a tag!", ""},
	}
	for _, tt := range tests {
		m := flows.NewLanguageMatcher(tt.offered)
		if got := m.Suggest(tt.code); got != tt.want {
			t.Errorf("offered %v, Suggest(%q) = %q, want %q", tt.offered, tt.code, got, tt.want)
		}
	}
}
