package quiz

import "strings"

// question parses one question: ::title::, the stem, one {answer block} and what follows it.
func (b *giftBlock) question(s seg) GIFTQuestion {
	q := GIFTQuestion{Line: b.line(s.off), Options: []GIFTOption{}, Pairs: []GIFTPair{}}
	if strings.HasPrefix(s.s, "::") {
		end := indexUnescaped(s.s, 2, "::")
		if end < 0 {
			b.errorAt(s.off, "the question title is not closed with ::")
			return q
		}
		q.Title = strings.TrimSpace(giftUnescape(s.s[2:end]))
		s = s.from(end + 2).trim()
	}

	open, close := indexUnescaped(s.s, 0, "{"), indexUnescaped(s.s, 0, "}")
	switch {
	case open < 0 && close < 0:
		q.Type = GIFTDescription
		q.Stem.Text, q.Stem.Format = giftFormatted(s.s, GIFTFormatMoodle)
		if q.Stem.Text == "" {
			b.errorAt(s.off, "the question has a title but no text")
		}
		b.classify(&q)
		return q
	case close >= 0 && (open < 0 || close < open):
		b.errorAt(s.off+close, "} without an opening { (write \\} for a literal brace)")
		return q
	case close < 0:
		b.errorAt(s.off+open, "{ is not closed with }")
		return q
	}
	if inner := indexUnescaped(s.s, open+1, "{"); inner >= 0 && inner < close {
		b.errorAt(s.off+inner, "{ inside an answer block (write \\{ for a literal brace)")
		return q
	}
	after := s.s[close+1:]
	if extra := markersUnescaped(after, "{}"); len(extra) > 0 {
		b.errorAt(s.off+close+1+extra[0], "a question has one answer block; start the next question after a blank line")
		return q
	}

	// Text after the answer block makes it a fill-in-the-blank question: the block becomes a
	// blank in the stem.
	stem := s.s[:open]
	if strings.TrimSpace(after) != "" {
		stem += "_____" + after
	}
	q.Stem.Text, q.Stem.Format = giftFormatted(stem, GIFTFormatMoodle)
	if q.Stem.Text == "" {
		b.errorAt(s.off, "the question has no text")
	}

	ans := s.sub(open+1, close)
	if gf := lastIndexUnescaped(ans.s, "####"); gf >= 0 {
		q.GeneralFeedback, _ = giftFormatted(ans.s[gf+4:], q.Stem.Format)
		ans = ans.sub(0, gf)
	}
	ans = ans.trim()
	f := q.Stem.Format
	switch {
	case ans.s == "":
		q.Type = GIFTEssay
	case ans.s[0] == '#':
		q.Type = GIFTNumerical
		b.numerical(&q, ans.from(1), f)
	case indexUnescaped(ans.s, 0, "~") >= 0:
		q.Type = GIFTMultichoice
		b.multichoice(&q, ans, f)
	case indexUnescaped(ans.s, 0, "=") >= 0 && strings.Contains(ans.s, "->"):
		q.Type = GIFTMatching
		b.matching(&q, ans, f)
	case isTrueFalseWord(ans.s):
		q.Type = GIFTTrueFalse
		b.trueFalse(&q, ans, f)
	default:
		q.Type = GIFTShortAnswer
		b.shortAnswer(&q, ans, f)
	}
	b.classify(&q)
	return q
}

func isTrueFalseWord(ans string) bool {
	word := ans
	if i := indexUnescaped(ans, 0, "#"); i >= 0 {
		word = ans[:i]
	}
	switch strings.ToUpper(strings.TrimSpace(word)) {
	case "T", "TRUE", "F", "FALSE":
		return true
	}
	return false
}

// classify marks whether the engine grades the question, and says why not.
func (b *giftBlock) classify(q *GIFTQuestion) {
	q.Graded = q.Type.Graded()
	switch q.Type {
	case GIFTShortAnswer:
		q.NotGraded = "short answer questions are imported but not graded by the quiz engine"
	case GIFTNumerical:
		q.NotGraded = "numerical questions are imported but not graded by the quiz engine"
	case GIFTEssay:
		q.NotGraded = "essays are imported but not graded by the quiz engine: a trainer reads them"
	case GIFTDescription:
		q.NotGraded = "a description is text shown between questions; it carries no mark"
	}
}
