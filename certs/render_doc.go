package certs

import (
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/prepoznaj/prepoznaj/lang"
)

// newDocument starts a PDF whose bytes depend only on what is drawn on it:
// fpdf's maps are written in sorted order (SetCatalogSort), both dates come
// from the document's own time in UTC, and the trailer has no /ID (fpdf
// writes one only for encrypted files). Metadata names the product, never a
// host or a path.
func newDocument(orientation string, at time.Time, title, author string, locale lang.Locale) *fpdf.Fpdf {
	pdf := fpdf.New(orientation, "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(at.UTC())
	pdf.SetModificationDate(at.UTC())
	pdf.SetProducer("Prepoznaj", false)
	pdf.SetCreator("Prepoznaj", false)
	pdf.SetTitle(title, true)
	pdf.SetAuthor(author, true)
	pdf.SetLang(string(locale))
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	return pdf
}
