package quiz

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// Catalogue source formats.
const (
	FormatYAML = "yaml"
	FormatJSON = "json"
)

// CatalogueVersion describes one stored version of the catalogue.
type CatalogueVersion struct {
	Version   int
	CreatedAt time.Time
	CreatedBy *int64
}

// ParseCatalogueJSON decodes a catalogue sent as JSON with the same rules as ParseCatalogue:
// unknown fields are refused and every problem is listed in a *CatalogueError. A top-level
// "version", as GET /api/v1/indicators answers, is ignored (the server numbers versions), so a
// catalogue read from the API can be edited and sent back as it is.
func ParseCatalogueJSON(data []byte) (*Catalogue, error) {
	var doc struct {
		Catalogue
		Version *int `json:"version"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, &CatalogueError{Problems: []Problem{{Message: "not a valid JSON catalogue: " + err.Error()}}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &CatalogueError{Problems: []Problem{{Message: "only one JSON value is allowed"}}}
	}
	cat := doc.Catalogue
	if err := cat.Validate(); err != nil {
		return nil, err
	}
	return &cat, nil
}

func parseCatalogueSource(format string, source []byte) (*Catalogue, error) {
	if format == FormatJSON {
		return ParseCatalogueJSON(source)
	}
	return ParseCatalogue(source)
}

// catalogueProblem turns a *CatalogueError into a 422 naming every problem as a field error.
func catalogueProblem(err error) error {
	var ce *CatalogueError
	if !errors.As(err, &ce) {
		return apperr.Wrap(err)
	}
	fields := make([]apperr.FieldError, len(ce.Problems))
	for i, p := range ce.Problems {
		field := p.Path
		if field == "" {
			field = "catalogue"
		}
		msg := p.Message
		if p.Line > 0 {
			msg = fmt.Sprintf("line %d: %s", p.Line, msg)
		}
		fields[i] = apperr.Field(field, "invalid", msg)
	}
	return apperr.Unprocessable("invalid_catalogue", "The catalogue has problems; nothing was saved.", fields...)
}

// EnsureCatalogue stores source (YAML) as catalogue version 1 when the database holds no
// catalogue yet, and returns the current version. Several instances starting at once are safe:
// the version number is unique, and the loser finds the winner's row.
func (s *Service) EnsureCatalogue(ctx context.Context, source []byte) (int, error) {
	if v, err := s.currentVersion(ctx); err != nil || v > 0 {
		return v, err
	}
	if _, err := ParseCatalogue(source); err != nil {
		return 0, fmt.Errorf("default catalogue: %w", err)
	}
	row := catalogueRow{Version: 1, Format: FormatYAML, Source: string(source), CreatedAt: s.clock()}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
		return 0, apperr.Internal(err)
	}
	return s.currentVersion(ctx)
}

func (s *Service) currentVersion(ctx context.Context) (int, error) {
	var v *int
	if err := s.db.WithContext(ctx).Model(&catalogueRow{}).Select("MAX(version)").Scan(&v).Error; err != nil {
		return 0, apperr.Internal(err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// Catalogue returns catalogue version (0: the current one) and its version number. The default
// catalogue is loaded on first use when the database holds none.
func (s *Service) Catalogue(ctx context.Context, version int) (*Catalogue, int, error) {
	if version <= 0 {
		v, err := s.currentVersion(ctx)
		if err != nil {
			return nil, 0, err
		}
		if v == 0 {
			if len(s.opts.DefaultCatalogue) == 0 {
				return nil, 0, apperr.Internal(errors.New("quiz: no catalogue in the database and no default"))
			}
			if v, err = s.EnsureCatalogue(ctx, s.opts.DefaultCatalogue); err != nil {
				return nil, 0, apperr.Wrap(err)
			}
		}
		version = v
	}
	cat, err := s.catalogueVersion(ctx, nil, version)
	return cat, version, err
}

// catalogueVersion loads a stored version, inside tx when given: a transaction must not wait for
// a second connection from a pool its peers may have exhausted.
func (s *Service) catalogueVersion(ctx context.Context, tx *gorm.DB, version int) (*Catalogue, error) {
	if c, ok := s.catalogues.Load(version); ok {
		return c.(*Catalogue), nil
	}
	if tx == nil {
		tx = s.db.WithContext(ctx)
	}
	var row catalogueRow
	if err := tx.Where("version = ?", version).Take(&row).Error; err != nil {
		if isNotFound(err) {
			return nil, apperr.NotFound("catalogue_version_not_found", "No such catalogue version.")
		}
		return nil, apperr.Internal(err)
	}
	cat, err := parseCatalogueSource(row.Format, []byte(row.Source))
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("stored catalogue version %d: %w", version, err))
	}
	s.catalogues.Store(version, cat)
	return cat, nil
}

// CatalogueVersions lists every version, newest first.
func (s *Service) CatalogueVersions(ctx context.Context) ([]CatalogueVersion, error) {
	if _, _, err := s.Catalogue(ctx, 0); err != nil {
		return nil, err
	}
	var rows []catalogueRow
	if err := s.db.WithContext(ctx).Select("version", "created_by", "created_at").Order("version DESC").Find(&rows).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	out := make([]CatalogueVersion, len(rows))
	for i, r := range rows {
		out[i] = CatalogueVersion{Version: r.Version, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy}
	}
	return out, nil
}

// ActCatalogueUpdate is the audit action of an admin edit of the catalogue.
const ActCatalogueUpdate = "catalogue.update"

// UpdateCatalogue validates source (format FormatYAML or FormatJSON) with ParseCatalogue's rules
// and stores it as a new version. Quizzes already published keep grading with the version they
// were published with.
func (s *Service) UpdateCatalogue(ctx context.Context, p *accounts.Principal, format string, source []byte) (int, error) {
	return s.UpdateCatalogueFrom(ctx, p, format, source, 0)
}

// errCatalogueChanged: another version was saved since the one the edit started from.
var errCatalogueChanged = apperr.Conflict("catalogue_changed", "Another version of the catalogue was saved meanwhile; reload it and edit again.")

// UpdateCatalogueFrom is UpdateCatalogue for an edit made to version base: it is refused with
// 409 when a later version exists, so two admins cannot overwrite each other (base 0: no check).
func (s *Service) UpdateCatalogueFrom(ctx context.Context, p *accounts.Principal, format string, source []byte, base int) (int, error) {
	if p == nil || !p.Admin {
		return 0, apperr.Forbidden("forbidden", "Only administrators edit the catalogue.")
	}
	cat, err := parseCatalogueSource(format, source)
	if err != nil {
		return 0, catalogueProblem(err)
	}
	if _, _, err := s.Catalogue(ctx, 0); err != nil { // the default comes first, as version 1
		return 0, err
	}
	var version int
	for try := 0; ; try++ {
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var max *int
			if err := tx.Model(&catalogueRow{}).Select("MAX(version)").Scan(&max).Error; err != nil {
				return err
			}
			version = 1
			if max != nil {
				version = *max + 1
			}
			if base > 0 && version != base+1 {
				return errCatalogueChanged
			}
			row := catalogueRow{Version: version, Format: format, Source: string(source), CreatedBy: actor(p), CreatedAt: s.clock()}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			if s.opts.Audit == nil {
				return nil
			}
			return s.opts.Audit.Record(ctx, tx, accounts.AuditEntry{ActorID: p.UserID, Action: ActCatalogueUpdate,
				TargetType: "catalogue", TargetID: strconv.Itoa(version), Outcome: "success"})
		})
		if errors.Is(err, gorm.ErrDuplicatedKey) && try < 5 {
			continue // another admin saved at the same moment; take the next number
		}
		break
	}
	if err != nil {
		return 0, apperr.Wrap(err)
	}
	s.catalogues.Store(version, cat)
	return version, nil
}

// AssessCodes applies the decision rule of the current catalogue; unknown codes and lists are
// a 422 naming them.
func (s *Service) AssessCodes(ctx context.Context, list List, present []string) (Assessment, int, error) {
	cat, version, err := s.Catalogue(ctx, 0)
	if err != nil {
		return Assessment{}, 0, err
	}
	a, err := Assess(cat, list, present)
	if err != nil {
		return Assessment{}, 0, assessError(err, "present", present)
	}
	return a, version, nil
}

// assessError maps the rule's errors to field errors: an unknown code is named at its index in
// codes ("present.3").
func assessError(err error, field string, codes []string) error {
	var unknown *UnknownCodesError
	var badList *UnknownListError
	switch {
	case errors.As(err, &unknown):
		fields := make([]apperr.FieldError, len(unknown.Codes))
		for i, c := range unknown.Codes {
			f := field
			if j := slices.Index(codes, c); j >= 0 {
				f = field + "." + strconv.Itoa(j)
			}
			fields[i] = apperr.Field(f, "unknown_code", fmt.Sprintf("%q is neither an indicator nor a sign", c))
		}
		return apperr.Unprocessable("unknown_codes", "Some codes are not in the catalogue: "+joinAnd(unknown.Codes)+".", fields...)
	case errors.As(err, &badList):
		return apperr.Unprocessable("unknown_list", "No such indicator list.",
			apperr.Field("list", "not_allowed", fmt.Sprintf("%q is not a list of the catalogue", badList.List)))
	}
	return apperr.Wrap(err)
}
