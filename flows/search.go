package flows

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Search weights: a word in the question counts most, then the topic's title and the
// keywords (colloquial words and misspellings the writers expect), then the answer.
const (
	weightQuestion = 3.0
	weightTitle    = 2.0
	weightKeywords = 2.0
	weightAnswer   = 1.0
	// minStem is how many leading letters two words must share to count as forms of one word
	// (Kurs, Kurse, Kursen; курс, курсы; kurslar). Words in Arabic script are shorter (the
	// article is taken off, vowels are not written): there three letters do.
	minStem       = 4
	minStemArabic = 3
	// maxQueryWords is how many words of a query count.
	maxQueryWords = 30
)

// searchIndex finds questions by words, per catalog.
type searchIndex struct {
	docs map[string][]searchDoc // by catalog
	idf  map[string]map[string]float64
}

type searchDoc struct {
	question *Question
	words    map[string]float64 // normalised word → weight
}

func newSearchIndex(f *FAQ) *searchIndex {
	ix := &searchIndex{docs: map[string][]searchDoc{}, idf: map[string]map[string]float64{}}
	for _, catalog := range Catalogs() {
		df := map[string]int{}
		var docs []searchDoc
		for _, topic := range f.Topics {
			title := f.text(catalog, "t:"+topic.ID).Title
			for _, q := range topic.Questions {
				t := f.text(catalog, "q:"+q.ID)
				d := searchDoc{question: q, words: map[string]float64{}}
				for _, field := range []struct {
					text   string
					weight float64
				}{{t.Answer, weightAnswer}, {t.Keywords, weightKeywords}, {title, weightTitle}, {t.Question, weightQuestion}} {
					for _, w := range searchWords(field.text) {
						d.words[w] = max(d.words[w], field.weight)
					}
				}
				for w := range d.words {
					df[w]++
				}
				docs = append(docs, d)
			}
		}
		idf := map[string]float64{}
		for w, n := range df {
			idf[w] = math.Log(1 + float64(len(docs))/float64(n))
		}
		ix.docs[catalog], ix.idf[catalog] = docs, idf
	}
	return ix
}

// Search returns up to limit questions that best match query, in a language option.
func (f *FAQ) Search(lang, query string, limit int) []*Question {
	catalog := catalogOf(lang)
	words := searchWords(query)
	if len(words) == 0 {
		return nil
	}
	// A question is a few words; a pasted letter must not make a search expensive.
	words = words[:min(len(words), maxQueryWords)]
	type hit struct {
		q     *Question
		score float64
	}
	var hits []hit
	for _, d := range f.index.docs[catalog] {
		score := 0.0
		for _, w := range words {
			score += f.index.match(catalog, d, w)
		}
		if score > 0 {
			hits = append(hits, hit{d.question, score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	var out []*Question
	for _, h := range hits {
		// Drop weak tails: a hit far below the best is noise.
		if len(out) == limit || h.score < hits[0].score/3 {
			break
		}
		out = append(out, h.q)
	}
	return out
}

// match scores one query word against a document: the best of an exact word and words
// sharing a stem, weighted by field and by how rare the word is.
func (ix *searchIndex) match(catalog string, d searchDoc, w string) float64 {
	best := 0.0
	if weight, ok := d.words[w]; ok {
		best = weight * ix.idf[catalog][w]
	}
	stem := minStem
	if arabicScript(w) {
		stem = minStemArabic
	}
	if len([]rune(w)) < stem {
		return best
	}
	for dw, weight := range d.words {
		// Forms of one word share most of the shorter one: Kurs/Kursen, not Schule/Schulden.
		if n := sharedPrefix(w, dw); n >= stem && n >= len([]rune(w))*3/4 && n >= len([]rune(dw))*3/4-1 {
			best = max(best, 0.8*weight*ix.idf[catalog][dw])
		}
	}
	return best
}

func sharedPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n
}

// searchWords splits text into normalised words of two or more letters.
func searchWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(Normalize(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		w = withoutArticle(w)
		if len([]rune(w)) >= 2 {
			out = append(out, w)
		}
	}
	return out
}

// arabicArticles are the Arabic article with the particles that join it (wa-l, bi-l, fa-l,
// ka-l, li-l), longest first. "الشرطة" and "شرطة" are one word to someone searching.
var arabicArticles = []string{"وال", "بال", "فال", "کال", "لل", "ال"}

// withoutArticle takes the Arabic article off a word when enough of the word remains.
func withoutArticle(w string) string {
	for _, a := range arabicArticles {
		if rest, ok := strings.CutPrefix(w, a); ok && len([]rune(rest)) >= 3 {
			return rest
		}
	}
	return w
}

func arabicScript(w string) bool {
	for _, r := range w {
		return unicode.Is(unicode.Arabic, r)
	}
	return false
}

// foldDiacritics decomposes letters and drops their marks: é→e, ü→u, ё→е, and Arabic
// vowel signs (harakat), which are marks too. Transformers and casers keep state, so every
// call makes its own: searches of different chats run at the same time.
func foldDiacritics() transform.Transformer {
	return transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// letterVariants maps letters people type interchangeably to one: Arabic and Persian
// keyboards give different yeh and kaf, hamza seats are often left out, teh marbuta is
// typed as heh, and Turkish dotless i meets the dotted one.
var letterVariants = strings.NewReplacer(
	"ي", "ی", "ى", "ی", "ئ", "ی",
	"ك", "ک",
	"أ", "ا", "إ", "ا", "آ", "ا", "ٱ", "ا",
	"ؤ", "و",
	"ة", "ه",
	"ـ", "", // tatweel
	"\u200c", "", // zero-width non-joiner inside Persian words
	"ı", "i",
	"ß", "ss",
)

// Normalize prepares text for matching: case folded, diacritics removed, letter variants
// unified, digits as ASCII.
func Normalize(text string) string {
	s, _, err := transform.String(foldDiacritics(), text)
	if err != nil {
		s = text
	}
	s = cases.Fold().String(s)
	s = letterVariants.Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) && r > '9' {
			return '0' + rune(digitValue(r))
		}
		return r
	}, s)
}

// digitValue returns the value of a decimal digit of any script (Arabic-Indic, Persian…).
func digitValue(r rune) int {
	for _, zero := range []rune{'٠', '۰', '०', '০'} {
		if r >= zero && r <= zero+9 {
			return int(r - zero)
		}
	}
	return 0
}
