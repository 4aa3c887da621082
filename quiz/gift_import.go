package quiz

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// GIFTImportInput imports GIFT text into a course's bank.
type GIFTImportInput struct {
	CourseID int64
	Text     string
	// Lang is the language the questions are written in (sr or en).
	Lang string
	// Preview parses and checks everything but saves nothing.
	Preview bool
}

// ImportedQuestion is a question the import creates (or would create, in a preview).
type ImportedQuestion struct {
	Line       int          `json:"line"`
	Type       QuestionType `json:"type"`
	Title      string       `json:"title"`
	ExternalID string       `json:"external_id,omitempty"`
	Category   string       `json:"category,omitempty"`
	// Action is "create", or "new_version" when a question with the same [id:...] exists.
	Action     string `json:"action"`
	QuestionID int64  `json:"question_id,omitempty"`
}

// SkippedQuestion is a parsed question the import does not create, with the reason.
type SkippedQuestion struct {
	Line     int      `json:"line"`
	GIFTType GIFTType `json:"gift_type"`
	Title    string   `json:"title"`
	Reason   string   `json:"reason"`
}

// GIFTImportReport says what the import created and what it left out; nothing is dropped
// silently.
type GIFTImportReport struct {
	Preview  bool               `json:"preview"`
	Imported []ImportedQuestion `json:"imported"`
	Skipped  []SkippedQuestion  `json:"skipped"`
	Errors   []GIFTError        `json:"errors"`
}

// ImportGIFT creates the graded question types from GIFT text and reports the others. Text
// with any parse error imports nothing (the report lists every error), so a trainer fixes the
// file and imports it whole; a preview always answers with the report.
func (s *Service) ImportGIFT(ctx context.Context, p *accounts.Principal, in GIFTImportInput) (*GIFTImportReport, error) {
	if _, err := s.editableCourse(ctx, p, in.CourseID); err != nil {
		return nil, err
	}
	if in.Lang == "" {
		in.Lang = LangSR
	}
	if in.Lang != LangSR && in.Lang != LangEN {
		return nil, invalid(apperr.Field("lang", "not_allowed", "must be one of: sr, en"))
	}
	cat, _, err := s.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	parsed := ParseGIFT(in.Text)
	report := &GIFTImportReport{Preview: in.Preview, Imported: []ImportedQuestion{}, Skipped: []SkippedQuestion{}, Errors: parsed.Errors}
	type planned struct {
		q     GIFTQuestion
		input QuestionInput
	}
	var plan []planned
	for _, gq := range parsed.Questions {
		content, reason := giftContent(gq, in.Lang)
		if reason != "" {
			report.Skipped = append(report.Skipped, SkippedQuestion{Line: gq.Line, GIFTType: gq.Type, Title: giftTitle(gq), Reason: reason})
			continue
		}
		if err := validateContent(content, nil, cat); err != nil {
			msg := err.Error()
			if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
				parts := make([]string, len(e.Fields))
				for i, f := range e.Fields {
					parts[i] = f.Message
				}
				msg = strings.Join(parts, "; ")
			}
			report.Errors = append(report.Errors, GIFTError{Line: gq.Line, Message: "the question cannot be graded as written: " + msg})
			continue
		}
		plan = append(plan, planned{q: gq, input: QuestionInput{CourseID: in.CourseID, Tags: gq.Tags, ExternalID: gq.ID, Content: content}})
	}
	if len(report.Errors) > 0 && !in.Preview {
		fields := make([]apperr.FieldError, len(report.Errors))
		for i, e := range report.Errors {
			fields[i] = apperr.Field("text", "line_"+strconv.Itoa(e.Line), fmt.Sprintf("line %d: %s", e.Line, e.Message))
		}
		return nil, apperr.Unprocessable("gift_errors", "The GIFT text has errors; nothing was imported. Preview it to see them with the questions.", fields...)
	}

	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, pl := range plan {
			item := ImportedQuestion{Line: pl.q.Line, Type: pl.input.Content.Type, Title: pl.input.Content.Title, ExternalID: pl.q.ID,
				Category: giftCategory(pl.q.Category), Action: "create"}
			var existing questionRow
			if pl.q.ID != "" {
				err := tx.Where("course_id = ? AND external_id = ?", in.CourseID, pl.q.ID).Take(&existing).Error
				if err != nil && !isNotFound(err) {
					return err
				}
				if existing.ID != 0 {
					item.Action, item.QuestionID = "new_version", existing.ID
					if existing.Type != string(pl.input.Content.Type) {
						return unprocessable(apperr.Field("text", "type_changed",
							fmt.Sprintf("line %d: question [id:%s] is a %s question in the bank, not %s", pl.q.Line, pl.q.ID, existing.Type, pl.input.Content.Type)))
					}
				}
			}
			if !in.Preview {
				if item.Category != "" {
					c, _, err := s.ensureCategory(ctx, tx, in.CourseID, item.Category)
					if err != nil {
						return err
					}
					pl.input.CategoryID = &c.ID
				}
				def := questionDef{QuestionContent: pl.input.Content}
				if existing.ID != 0 {
					if err := s.newVersion(tx, p, existing.ID, existing.CurrentVersion, pl.input, def); err != nil {
						return err
					}
				} else {
					id, err := s.insertQuestion(tx, p, pl.input, def)
					if err != nil {
						return err
					}
					item.QuestionID = id
				}
			}
			report.Imported = append(report.Imported, item)
		}
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return report, nil
}

// giftContent maps a parsed GIFT question to question content, or says why it is not imported.
func giftContent(q GIFTQuestion, lang string) (QuestionContent, string) {
	in := func(s string) Text {
		if lang == LangEN {
			return Text{EN: s}
		}
		return Text{SR: s}
	}
	c := QuestionContent{Title: giftTitle(q), Stem: in(q.Stem.Text), GeneralFeedback: in(q.GeneralFeedback)}
	switch q.Type {
	case GIFTMultichoice:
		c.Type = TypeSingleChoice
		if q.AnswerMode == AnswerModeMultiple {
			c.Type = TypeMultipleChoice
		}
		for i, o := range q.Options {
			c.Options = append(c.Options, Option{ID: optionID(i), Text: in(o.Text), Fraction: o.Fraction, Feedback: in(o.Feedback)})
		}
	case GIFTTrueFalse:
		c.Type = TypeTrueFalse
		for _, o := range q.Options {
			switch o.Text {
			case "True":
				c.Answer = pointer(o.Fraction == 1)
				c.FeedbackTrue = in(o.Feedback)
			case "False":
				c.FeedbackFalse = in(o.Feedback)
			}
		}
	case GIFTMatching:
		c.Type = TypeMatching
		for _, pr := range q.Pairs {
			if pr.Left == "" {
				c.ExtraRights = append(c.ExtraRights, pr.Right)
			} else {
				c.Pairs = append(c.Pairs, MatchPair{Left: pr.Left, Right: pr.Right})
			}
		}
	default:
		reason := q.NotGraded
		if reason == "" {
			reason = string(q.Type) + " questions are not graded by the quiz engine"
		}
		return c, reason
	}
	return c, ""
}

// optionID names options a, b, ... z, aa, ab, ...
func optionID(i int) string {
	if i < 26 {
		return string(rune('a' + i))
	}
	return optionID(i/26-1) + string(rune('a'+i%26))
}

func giftTitle(q GIFTQuestion) string {
	switch {
	case q.Title != "":
		return truncateRunes(q.Title, 200)
	case q.ID != "":
		return truncateRunes(q.ID, 200)
	}
	return truncateRunes(strings.Join(strings.Fields(q.Stem.Text), " "), 80)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// giftCategory drops Moodle's context prefixes: "$course$/top/Police/Cases" is "Police/Cases".
func giftCategory(path string) string {
	for _, prefix := range []string{"$course$/", "$system$/", "$module$/", "$coursecategory$/", "top/"} {
		path = strings.TrimPrefix(path, prefix)
	}
	if path == "top" {
		return ""
	}
	return truncateRunes(strings.Trim(path, "/ "), 200)
}
