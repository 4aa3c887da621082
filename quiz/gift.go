package quiz

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// ParseGIFT reads questions in Moodle's GIFT format, as https://docs.moodle.org/en/GIFT_format
// documents it, for the import preview (POST /api/v1/gift/preview): trainers see what would be
// created and every line that could not be parsed before anything is saved.
//
// Questions are separated by blank lines. A question with any error is left out and each error
// is reported with its line; the rest of the file is still parsed. Where Moodle would quietly
// guess (text before the first answer marker, an unclosed title), this parser reports an error
// instead, since the trainer is looking at a preview and can fix the line. Two leniencies:
// {true}/{false} are accepted in any letter case, and a question may follow its $CATEGORY line
// without a blank line in between.

// GIFTType is a question type as the preview names it.
type GIFTType string

const (
	GIFTMultichoice GIFTType = "multichoice"
	GIFTTrueFalse   GIFTType = "truefalse"
	GIFTShortAnswer GIFTType = "shortanswer"
	GIFTMatching    GIFTType = "matching"
	GIFTNumerical   GIFTType = "numerical"
	GIFTEssay       GIFTType = "essay"
	GIFTDescription GIFTType = "description"
)

// Graded reports whether the quiz engine marks questions of this type; the others are imported
// and shown but reported as not graded, never silently dropped.
func (t GIFTType) Graded() bool {
	return t == GIFTMultichoice || t == GIFTTrueFalse || t == GIFTMatching
}

// GIFTText is a piece of text with its format (moodle, html, markdown or plain).
type GIFTText struct {
	Text   string `json:"text"`
	Format string `json:"format"`
}

// GIFTOption is an answer. Fraction is in −1..1. Numerical answers also carry the accepted value
// and tolerance (a range a..b becomes its midpoint ± half its width); the catch-all wrong-answer
// feedback of a numerical question is the option "*".
type GIFTOption struct {
	Text      string   `json:"text"`
	Format    string   `json:"format"`
	Fraction  float64  `json:"fraction"`
	Feedback  string   `json:"feedback"`
	Value     *float64 `json:"value,omitempty"`
	Tolerance *float64 `json:"tolerance,omitempty"`
}

// GIFTPair is one pair of a matching question; an empty Left is an extra right-hand answer.
type GIFTPair struct {
	Left  string `json:"left"`
	Right string `json:"right"`
}

// GIFTQuestion is one parsed question. The fields up to GeneralFeedback are the preview
// contract; the rest are additions for the importer and the UI.
type GIFTQuestion struct {
	Type            GIFTType     `json:"type"`
	Title           string       `json:"title"`
	ID              string       `json:"id"`
	Tags            []string     `json:"tags"`
	Category        string       `json:"category"`
	Stem            GIFTText     `json:"stem"`
	Options         []GIFTOption `json:"options"`
	Pairs           []GIFTPair   `json:"pairs"`
	GeneralFeedback string       `json:"general_feedback"`

	// Line is where the question starts.
	Line int `json:"line"`
	// AnswerMode is "single" or "multiple" for multichoice: with an = answer the learner picks
	// one option, without one the learner may tick several (Moodle's rule).
	AnswerMode string `json:"answer_mode,omitempty"`
	Graded     bool   `json:"graded"`
	// NotGraded says why the engine will not mark the question, for the preview.
	NotGraded string `json:"not_graded,omitempty"`
}

// GIFTError is a line that could not be parsed.
type GIFTError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// GIFTPreview is the parse result: the questions that would be created and every error.
type GIFTPreview struct {
	Questions []GIFTQuestion `json:"questions"`
	Errors    []GIFTError    `json:"errors"`
}

// Answer modes of a multichoice question.
const (
	AnswerModeSingle   = "single"
	AnswerModeMultiple = "multiple"
)

type giftParser struct {
	out      GIFTPreview
	category string
	// comments seen since the last question: an [id:...] or [tag:...] comment belongs to the
	// next question even when a blank line separates them.
	comments []string
	// badLines are lines that were not valid UTF-8; they spoil their question.
	badLines map[int]bool
}

// ParseGIFT parses GIFT text. It never fails: problems are in the result's Errors.
func ParseGIFT(src string) GIFTPreview {
	p := &giftParser{out: GIFTPreview{Questions: []GIFTQuestion{}, Errors: []GIFTError{}}}
	lines := strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n")
	start := -1
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if !utf8.ValidString(line) {
			p.errorAt(i+1, "the line is not valid UTF-8 text")
			line = strings.ToValidUTF8(line, "\uFFFD")
			if p.badLines == nil {
				p.badLines = map[int]bool{}
			}
			p.badLines[i+1] = true
		}
		lines[i] = line
		if strings.TrimSpace(line) == "" {
			if start >= 0 {
				p.block(lines[start:i], start+1)
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		p.block(lines[start:], start+1)
	}
	sort.SliceStable(p.out.Errors, func(i, j int) bool { return p.out.Errors[i].Line < p.out.Errors[j].Line })
	return p.out
}

func (p *giftParser) errorAt(line int, msg string) {
	p.out.Errors = append(p.out.Errors, GIFTError{Line: line, Message: msg})
}

// giftBlock is the text of one question with comment lines blanked, so offsets map to lines.
type giftBlock struct {
	p     *giftParser
	text  string
	first int // line number of text's first line
	bad   bool
}

func (b *giftBlock) line(off int) int {
	return b.first + strings.Count(b.text[:off], "\n")
}

func (b *giftBlock) errorAt(off int, msg string) {
	b.bad = true
	b.p.errorAt(b.line(off), msg)
}

func (p *giftParser) block(lines []string, first int) {
	bad := false
	text := make([]string, len(lines))
	for i, line := range lines {
		bad = bad || p.badLines[first+i]
		if strings.HasPrefix(strings.TrimSpace(line), "//") {
			p.comments = append(p.comments, line)
			continue
		}
		text[i] = line
	}
	b := &giftBlock{p: p, text: strings.Join(text, "\n"), first: first, bad: bad}
	s := seg{b.text, 0}.trim()
	if s.s == "" {
		return // only comments: they wait for the next question
	}
	if strings.HasPrefix(s.s, "$CATEGORY:") {
		end := strings.IndexByte(s.s, '\n')
		if end < 0 {
			end = len(s.s)
		}
		if category := strings.TrimSpace(giftUnescape(s.s[len("$CATEGORY:"):end])); category == "" {
			b.errorAt(s.off, "$CATEGORY: needs a category path")
		} else {
			p.category = category
		}
		if s = s.from(end).trim(); s.s == "" {
			return
		}
	}
	q := b.question(s)
	q.ID, q.Tags = giftCommentMeta(p.comments)
	p.comments = nil
	if !b.bad {
		q.Category = p.category
		p.out.Questions = append(p.out.Questions, q)
	}
}

// giftCommentMeta finds the first [id:...] and every [tag:...] in comments; \] escapes a
// bracket inside them.
func giftCommentMeta(comments []string) (id string, tags []string) {
	tags = []string{}
	for _, c := range comments {
		for _, v := range bracketValues(c, "[id:") {
			if id == "" {
				id = v
			}
		}
		for _, v := range bracketValues(c, "[tag:") {
			if !containsString(tags, v) {
				tags = append(tags, v)
			}
		}
	}
	return id, tags
}

func bracketValues(s, open string) []string {
	var out []string
	for {
		i := strings.Index(s, open)
		if i < 0 {
			return out
		}
		s = s[i+len(open):]
		var b strings.Builder
		closed := false
		for j := 0; j < len(s); j++ {
			if s[j] == '\\' && j+1 < len(s) && s[j+1] == ']' {
				b.WriteByte(']')
				j++
				continue
			}
			if s[j] == ']' {
				s, closed = s[j+1:], true
				break
			}
			b.WriteByte(s[j])
		}
		if !closed {
			return out
		}
		if v := strings.TrimSpace(b.String()); v != "" {
			out = append(out, v)
		}
	}
}
