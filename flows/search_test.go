package flows_test

import (
	"testing"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/locales"
)

// TestSearchFindsAnswersTheWayPeopleType asks, in each language, the way people type on a
// phone: few words, no diacritics, everyday words. The expected answer must be among the
// three offered.
func TestSearchFindsAnswersTheWayPeopleType(t *testing.T) {
	cfg := exampleConfig(t)
	faq, err := flows.LoadFAQ(locales.FAQ, "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, query string
		want        []string // any of these among the results
	}{
		{"de", "deutschkurs anmelden", []string{"integration-course"}},
		{"de", "kita platz fuer mein kind", []string{"kita-right", "kita-register"}},
		{"de", "arzt in der nacht", []string{"emergency-or-doctor"}},
		{"de", "aufenthaltstitel verlaengern", []string{"permit-renewal"}},
		{"de", "muell trennen", []string{"waste-sorting"}},
		{"de", "konto eroeffnen bank", []string{"bank-account"}},
		{"de", "schulden", []string{"debt-help"}},
		{"de", "wohnung suchen", []string{"find-flat"}},
		{"en", "german course", []string{"integration-course", "job-language-course"}},
		{"en", "doctor at night", []string{"emergency-or-doctor", "pharmacy-emergency"}},
		{"en", "renew my residence permit", []string{"permit-renewal"}},
		{"en", "open bank account", []string{"bank-account"}},
		{"en", "my husband hits me", []string{"violence-women", "violence-home"}},
		{"ar", "دورة لغة المانية", []string{"integration-course", "job-language-course", "course-duty"}},
		{"ar", "روضة اطفال", []string{"kita-right", "kita-register", "kita-cost"}},
		{"ar", "دكتور بالليل", []string{"emergency-or-doctor", "pharmacy-emergency"}},
		{"ar", "تجديد الاقامة", []string{"permit-renewal"}},
		{"ar", "حساب بنكي", []string{"bank-account"}},
		{"ar", "الشرطة", []string{"emergency-numbers", "violence-home"}},
		{"ar", "زوجي يضربني", []string{"violence-women", "violence-home"}},
		{"fa", "کلاس زبان آلمانی", []string{"integration-course", "job-language-course", "course-duty"}},
		{"fa", "مهد کودک", []string{"kita-right", "kita-register", "kita-cost"}},
		{"fa", "تمدید اقامت", []string{"permit-renewal"}},
		{"fa", "حساب بانکی", []string{"bank-account"}},
		{"uk", "курси німецької", []string{"integration-course", "job-language-course", "course-duty"}},
		{"uk", "дитячий садок", []string{"kita-right", "kita-register", "kita-cost"}},
		{"uk", "лікар вночі", []string{"emergency-or-doctor", "pharmacy-emergency"}},
		{"uk", "банківський рахунок", []string{"bank-account"}},
		{"ru", "курсы немецкого", []string{"integration-course", "job-language-course", "course-duty"}},
		{"ru", "детский сад", []string{"kita-right", "kita-register", "kita-cost"}},
		{"ru", "врач ночью", []string{"emergency-or-doctor", "pharmacy-emergency"}},
		{"ru", "продлить вид на жительство", []string{"permit-renewal"}},
		{"tr", "almanca kursu", []string{"integration-course", "job-language-course", "course-duty"}},
		{"tr", "cocuk kres", []string{"kita-right", "kita-register", "kita-cost"}},
		{"tr", "gece doktor", []string{"emergency-or-doctor", "pharmacy-emergency"}},
		{"tr", "banka hesabi", []string{"bank-account"}},
	}
	for _, tt := range tests {
		found := faq.Search(tt.lang, tt.query, 3)
		var got []string
		ok := false
		for _, q := range found {
			got = append(got, q.ID)
			for _, w := range tt.want {
				ok = ok || q.ID == w
			}
		}
		if !ok {
			t.Errorf("%s %q found %v, want one of %v", tt.lang, tt.query, got, tt.want)
		}
	}
}

func TestSearchWithoutWordsFindsNothing(t *testing.T) {
	faq, err := flows.LoadFAQ(locales.FAQ, "", exampleConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "   ", "?!", "🙂🙂"} {
		if got := faq.Search("de", q, 3); len(got) != 0 {
			t.Errorf("%q found %d answers", q, len(got))
		}
	}
}

// TestSearchFromManyChatsAtOnce guards against shared transformer state: chats search in
// parallel.
func TestSearchFromManyChatsAtOnce(t *testing.T) {
	faq, err := flows.LoadFAQ(locales.FAQ, "", exampleConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			ok := true
			for j := 0; j < 200; j++ {
				ok = ok && len(faq.Search("ar", "حساب بنكي في البنك", 3)) > 0 && flows.Normalize("Müll Straße") == "mull strasse"
			}
			done <- ok
		}()
	}
	for i := 0; i < 8; i++ {
		if !<-done {
			t.Error("a parallel search went wrong")
		}
	}
}
