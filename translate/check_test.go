package translate_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/translate"
)

func TestCheck(t *testing.T) {
	const appointment = "Ihr Termin ist am 24.12.2026 um 09:00 bei Frau Weber, Aktenzeichen K-0042."
	const contact = "Rückfragen: 07000 123-401 oder +49 7000 123401, info@lotse.example, https://lotse.example/faq?id=7."
	for _, tc := range []struct {
		name                 string
		original, translated string
		missing              []translate.Item // nil: no error
	}{
		{name: "unchanged", original: appointment, translated: appointment},
		{
			name:       "translated, items kept",
			original:   appointment,
			translated: "Your appointment is on 24.12.2026 at 09:00 with Ms Weber, case K-0042.",
		},
		{
			name:       "Arabic-Indic digits and isolates",
			original:   appointment,
			translated: "موعدك في \u2068٢٤.١٢.٢٠٢٦\u2069 الساعة \u2068٠٩:٠٠\u2069، رقم الملف \u2068K-0042\u2069.",
		},
		{
			name:       "Persian digits and direction marks",
			original:   "Termin um 09:00, Zimmer 3",
			translated: "\u200fنوبت ساعت ۰۹:۰۰، اتاق ۳",
		},
		{
			name:       "contact details kept, phone spacing and no-break space changed",
			original:   contact,
			translated: "Questions: 07000 123401 or +49\u00a07000\u00a0123401, info@lotse.example, https://lotse.example/faq?id=7",
		},
		{
			name:       "e-mail address capitalized at the start of a sentence",
			original:   "schreiben Sie an info@lotse.example",
			translated: "Info@lotse.example is the address",
		},
		{
			name:       "date without a year loses its dot to the sentence",
			original:   "Kommen Sie am 24.12.",
			translated: "Come on 24.12, please.",
		},
		{
			name:       "changed date",
			original:   appointment,
			translated: "Your appointment is on 25.12.2026 at 09:00 with Ms Weber, case K-0042.",
			missing:    []translate.Item{{What: "date", Value: "24.12.2026"}},
		},
		{
			name:       "date rewritten in another order",
			original:   appointment,
			translated: "موعدك في ٢٠٢٦/١٢/٢٤ الساعة ٠٩:٠٠، K-0042",
			missing:    []translate.Item{{What: "date", Value: "24.12.2026"}},
		},
		{
			name:       "time in twelve-hour form",
			original:   "Beginn 09:00",
			translated: "Start 9:00 AM",
			missing:    []translate.Item{{What: "time", Value: "09:00"}},
		},
		{
			name:       "dropped phone number",
			original:   contact,
			translated: "Questions: +49 7000 123401, info@lotse.example, https://lotse.example/faq?id=7.",
			missing:    []translate.Item{{What: "phone number", Value: "07000 123-401"}},
		},
		{
			name:       "international prefix lost",
			original:   "Tel. +49 7000 123401",
			translated: "Tel. 49 7000 123401",
			missing:    []translate.Item{{What: "phone number", Value: "+49 7000 123401"}},
		},
		{
			name:       "URL cut short",
			original:   contact,
			translated: "Questions: 07000 123-401 or +49 7000 123401, info@lotse.example, https://lotse.example/faq.",
			missing:    []translate.Item{{What: "URL", Value: "https://lotse.example/faq?id=7"}},
		},
		{
			name:       "case label changed",
			original:   appointment,
			translated: "Your appointment is on 24.12.2026 at 09:00, case K-42.",
			missing:    []translate.Item{{What: "case label", Value: "K-0042"}},
		},
		{
			name:       "one of two equal numbers lost",
			original:   "3 Kinder und 3 Erwachsene",
			translated: "3 children and adults",
			missing:    []translate.Item{{What: "number", Value: "3"}},
		},
		{
			name:       "number in another notation",
			original:   "Miete 1.250,50 €",
			translated: "Rent €1,250.50",
			missing:    []translate.Item{{What: "number", Value: "1.250,50"}},
		},
		{
			name:       "number not mistaken for part of a date",
			original:   "Am 24.12.2026 um 12 Uhr",
			translated: "On 24.12.2026 at noon",
			missing:    []translate.Item{{What: "number", Value: "12"}},
		},
		{name: "nothing to keep", original: "Guten Tag!", translated: "Good day!"},
		{name: "identical translation is no error", original: "OK 👍", translated: "OK 👍"},
		{name: "blank original", original: "  ", translated: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := translate.Check(tc.original, tc.translated)
			if tc.missing == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var ce *translate.CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Check = %v, want a *CheckError", err)
			}
			if !reflect.DeepEqual(ce.Missing, tc.missing) {
				t.Errorf("Missing = %+v, want %+v", ce.Missing, tc.missing)
			}
		})
	}
}

func TestCheckEmptyTranslation(t *testing.T) {
	if err := translate.Check("Guten Tag", " \n"); !errors.Is(err, translate.ErrEmptyTranslation) {
		t.Errorf("Check = %v, want ErrEmptyTranslation", err)
	}
}

func TestCheckErrorWithholdsTheValues(t *testing.T) {
	err := translate.Check("Rufen Sie 07000 123-401 an, Termin 09:00", "Call us")
	if err == nil {
		t.Fatal("Check = nil, want an error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "1 phone number") || !strings.Contains(msg, "1 time") {
		t.Errorf("message %q does not count what is missing", msg)
	}
	if strings.Contains(msg, "07000") || strings.Contains(msg, "09:00") {
		t.Errorf("message %q shows the values, which are personal data in logs", msg)
	}
}

// FuzzCheck checks that Check never fails a text against itself, nor against itself in
// Arabic-Indic digits or wrapped in direction isolates, whatever the text.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"Ihr Termin ist am 24.12.2026 um 09:00, K-0042, 07000 123-401",
		"Mail info@lotse.example, https://lotse.example/a_(b). Tel. +49 (0761) 123 45",
		"2026-12-24 24/12/26 1.250,50 3 3",
		"٠٩:٠٠ ۲۴.۱۲.",
		"\x00\u2068\u2069",
	} {
		f.Add(s)
	}
	arabic := strings.NewReplacer("0", "٠", "1", "١", "2", "٢", "3", "٣", "4", "٤", "5", "٥", "6", "٦", "7", "٧", "8", "٨", "9", "٩")
	isolated := strings.NewReplacer(" ", "\u2069 \u2068")
	f.Fuzz(func(t *testing.T, s string) {
		for name, translated := range map[string]string{
			"itself":              s,
			"Arabic-Indic digits": arabic.Replace(s),
			"isolates":            isolated.Replace(s),
		} {
			if err := translate.Check(s, translated); err != nil {
				t.Errorf("Check(%q, %s %q) = %v, want nil", s, name, translated, err)
			}
		}
	})
}
