package quiz

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Answer blocks, one function per question type. Each reports errors at the line of the answer
// that has them and keeps going, so one pass shows every bad answer of a question.

// multichoice: {=right ~wrong ~%50%half ~%-25%penalty #feedback ...}.
func (b *giftBlock) multichoice(q *GIFTQuestion, ans seg, format string) {
	lead, pieces := ans.splitAt(markersUnescaped(ans.s, "~="))
	if lead.trim().s != "" {
		b.errorAt(lead.trim().off, "text before the first answer: each answer starts with = or ~")
	}
	q.AnswerMode = AnswerModeMultiple
	positive := 0.0
	for _, piece := range pieces {
		if piece.s[0] == '=' {
			q.AnswerMode = AnswerModeSingle
		}
		opt, ok := b.option(piece, format)
		if !ok {
			continue
		}
		if opt.Fraction > 0 {
			positive += opt.Fraction
		}
		q.Options = append(q.Options, opt)
	}
	if len(pieces) < 2 {
		b.errorAt(ans.off, "a multiple choice question needs at least two answers")
	}
	// Moodle refuses a multiple-answer question whose right answers cannot add up to 100%.
	if q.AnswerMode == AnswerModeMultiple && len(q.Options) == len(pieces) && len(pieces) >= 2 && math.Abs(positive-1) > 0.01 {
		b.errorAt(ans.off, fmt.Sprintf("without an = answer the learner may tick several answers, so the positive weights must add up to 100%%, not %.4g%%", positive*100))
	}
}

// option reads "=text#feedback" or "~%w%text#feedback".
func (b *giftBlock) option(piece seg, format string) (GIFTOption, bool) {
	opt := GIFTOption{Fraction: 0}
	if piece.s[0] == '=' {
		opt.Fraction = 1
	}
	rest := piece.from(1)
	if w, n, ok := b.weight(rest); !ok {
		return opt, false
	} else if n > 0 {
		opt.Fraction, rest = w, rest.from(n)
	}
	text, feedback := splitFeedback(rest)
	opt.Text, opt.Format = giftFormatted(text.s, format)
	opt.Feedback, _ = giftFormatted(feedback, format)
	if opt.Text == "" {
		b.errorAt(piece.off, "an empty answer")
		return opt, false
	}
	return opt, true
}

var giftWeightRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// weight reads an optional leading %w% (−100..100) and returns it as a fraction and the bytes
// it took; n is 0 when there is none.
func (b *giftBlock) weight(s seg) (fraction float64, n int, ok bool) {
	t := strings.TrimLeft(s.s, " \t")
	if !strings.HasPrefix(t, "%") {
		return 0, 0, true
	}
	lead := len(s.s) - len(t)
	end := strings.IndexByte(t[1:], '%')
	if end < 0 {
		b.errorAt(s.off+lead, "a weight must be closed with %, as in ~%50%")
		return 0, 0, false
	}
	num := strings.TrimSpace(t[1 : 1+end])
	w, err := strconv.ParseFloat(num, 64)
	if !giftWeightRE.MatchString(num) || err != nil {
		b.errorAt(s.off+lead, fmt.Sprintf("weight %q is not a percentage", "%"+t[1:1+end]+"%"))
		return 0, 0, false
	}
	if w < -100 || w > 100 {
		b.errorAt(s.off+lead, fmt.Sprintf("weight %s%% is outside -100%%..100%%", num))
		return 0, 0, false
	}
	// Moodle keeps fractions to 7 decimals; so does the preview, so 33.33333% is 0.3333333.
	return math.Round(w*1e5) / 1e7, lead + end + 2, true
}

// splitFeedback cuts an answer at its first unescaped #.
func splitFeedback(s seg) (text seg, feedback string) {
	if i := indexUnescaped(s.s, 0, "#"); i >= 0 {
		return s.sub(0, i), s.s[i+1:]
	}
	return s, ""
}

// trueFalse: {T}, {FALSE#feedback when wrong#feedback when right}.
func (b *giftBlock) trueFalse(q *GIFTQuestion, ans seg, format string) {
	parts := splitUnescapedN(ans.s, "#", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	answer := strings.ToUpper(strings.TrimSpace(parts[0]))
	wrong, _ := giftFormatted(parts[1], format)
	right, _ := giftFormatted(parts[2], format)
	isTrue := answer == "T" || answer == "TRUE"
	t := GIFTOption{Text: "True", Format: format, Fraction: boolFraction(isTrue), Feedback: wrong}
	f := GIFTOption{Text: "False", Format: format, Fraction: boolFraction(!isTrue), Feedback: right}
	if isTrue {
		t.Feedback, f.Feedback = right, wrong
	}
	q.Options = append(q.Options, t, f)
}

// splitUnescapedN splits at the first n-1 unescaped seps, as PHP's explode with a limit does.
func splitUnescapedN(s, sep string, n int) []string {
	var parts []string
	for len(parts) < n-1 {
		i := indexUnescaped(s, 0, sep)
		if i < 0 {
			break
		}
		parts, s = append(parts, s[:i]), s[i+len(sep):]
	}
	return append(parts, s)
}

// matching: {=left -> right =left -> right ...}; an empty left adds an extra right-hand answer.
func (b *giftBlock) matching(q *GIFTQuestion, ans seg, format string) {
	lead, pieces := ans.splitAt(markersUnescaped(ans.s, "="))
	if lead.trim().s != "" {
		b.errorAt(lead.trim().off, "text before the first pair: each pair starts with =")
	}
	lefts := 0
	for _, piece := range pieces {
		arrow := strings.Index(piece.s, "->")
		if arrow < 0 {
			b.errorAt(piece.off, "a matching pair needs ->, as in =sign -> indicator")
			continue
		}
		left, _ := giftFormatted(piece.s[1:arrow], format)
		right := strings.TrimSpace(giftUnescape(piece.s[arrow+2:]))
		if right == "" {
			b.errorAt(piece.off, "a matching pair needs a right-hand side after ->")
			continue
		}
		if left != "" {
			lefts++
		}
		q.Pairs = append(q.Pairs, GIFTPair{Left: left, Right: right})
	}
	if lefts < 2 {
		b.errorAt(ans.off, "a matching question needs at least two pairs")
	}
}

// shortAnswer: {=answer =%50%half right#feedback ...}; answers without a weight are worth 100%.
func (b *giftBlock) shortAnswer(q *GIFTQuestion, ans seg, format string) {
	lead, pieces := ans.splitAt(markersUnescaped(ans.s, "="))
	if lead.trim().s != "" {
		b.errorAt(lead.trim().off, "text before the first answer: each answer starts with =")
	}
	for _, piece := range pieces {
		if opt, ok := b.option(piece, format); ok {
			q.Options = append(q.Options, opt)
		}
	}
	if len(pieces) == 0 && lead.trim().s == "" {
		b.errorAt(ans.off, "a short answer question needs at least one = answer")
	}
}

var giftNumberRE = regexp.MustCompile(`^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$`)

// numerical: {#value}, {#value:tolerance}, {#min..max}, or several {# =%w%value:tol#feedback ...
// ~#feedback for any other answer}. ans is the block after its leading #.
func (b *giftBlock) numerical(q *GIFTQuestion, ans seg, format string) {
	var wrong *string
	if w := indexUnescaped(ans.s, 0, "~"); w >= 0 {
		_, fb := splitFeedback(ans.from(w + 1))
		wrong = &fb
		ans = ans.sub(0, w)
	}
	lead, pieces := ans.splitAt(markersUnescaped(ans.s, "="))
	if l := lead.trim(); l.s != "" {
		// The short form {#1822:5} has its only answer before any =.
		pieces = append([]seg{l}, pieces...)
	}
	for _, piece := range pieces {
		body := piece
		if body.s[0] == '=' {
			body = body.from(1)
		}
		opt := GIFTOption{Format: format, Fraction: 1}
		w, n, ok := b.weight(body)
		if !ok {
			continue
		}
		if n > 0 {
			opt.Fraction, body = w, body.from(n)
		}
		text, feedback := splitFeedback(body)
		opt.Feedback, _ = giftFormatted(feedback, format)
		opt.Text = strings.TrimSpace(giftUnescape(text.s))
		value, tolerance, err := parseNumericalAnswer(opt.Text)
		if err != "" {
			b.errorAt(piece.off, err)
			continue
		}
		opt.Value, opt.Tolerance = &value, &tolerance
		q.Options = append(q.Options, opt)
	}
	if len(pieces) == 0 {
		b.errorAt(ans.off, "a numerical question needs at least one answer")
	}
	if wrong != nil {
		fb, _ := giftFormatted(*wrong, format)
		q.Options = append(q.Options, GIFTOption{Text: "*", Format: format, Fraction: 0, Feedback: fb})
	}
}

// parseNumericalAnswer reads "v", "v:tolerance" or "min..max".
func parseNumericalAnswer(s string) (value, tolerance float64, problem string) {
	num := func(t string) (float64, bool) {
		t = strings.TrimSpace(t)
		f, err := strconv.ParseFloat(t, 64)
		return f, giftNumberRE.MatchString(t) && err == nil
	}
	if i := strings.Index(s, ".."); i > 0 {
		lo, ok1 := num(s[:i])
		hi, ok2 := num(s[i+2:])
		switch {
		case !ok1 || !ok2:
			return 0, 0, fmt.Sprintf("%q is not a range of numbers, as in 1..5", s)
		case lo > hi:
			return 0, 0, fmt.Sprintf("range %q runs backwards", s)
		}
		// Halve before subtracting so that wide ranges do not overflow.
		return lo/2 + hi/2, hi/2 - lo/2, ""
	}
	if i := strings.Index(s, ":"); i > 0 {
		v, ok1 := num(s[:i])
		t, ok2 := num(s[i+1:])
		switch {
		case !ok1 || !ok2:
			return 0, 0, fmt.Sprintf("%q is not a number with a tolerance, as in 1822:5", s)
		case t < 0:
			return 0, 0, fmt.Sprintf("tolerance in %q is negative", s)
		}
		return v, t, ""
	}
	v, ok := num(s)
	if !ok {
		return 0, 0, fmt.Sprintf("%q is not a number", s)
	}
	return v, 0, ""
}
