package certs

import (
	"fmt"

	"github.com/prepoznaj/prepoznaj/lang"
)

// column of a paginated table; signature columns get a line to sign on.
type column struct {
	title            label
	width            float64
	align            align
	maxSize, minSize float64
	bold, signature  bool
}

// table lays rows out page by page. Its geometry is fixed, so the number of
// pages is known before drawing ("page 2 of 7" needs no second pass).
type table struct {
	x                float64
	cols             []column
	rowH, headH      float64
	firstTop, top    float64 // where the header row starts on page 1 and after
	bottom           float64
	fieldOf          func(row, col int) string // snapshot field of a cell, for errors
	locale           lang.Locale
	startOnFirstPage bool
}

func (t *table) rowsOn(page int) int {
	top := t.top
	if page == 0 {
		top = t.firstTop
	}
	return int((t.bottom - top - t.headH) / t.rowH)
}

func (t *table) pages(rows int) int {
	n := 1
	for left := rows - t.rowsOn(0); left > 0; left -= t.rowsOn(n - 1) {
		n++
	}
	return n
}

// cellItems are the text items of one row whose top is y.
func (t *table) cellItems(row int, cells []string, y float64) []textItem {
	items := make([]textItem, 0, len(cells))
	x := t.x
	for col, c := range t.cols {
		if col < len(cells) && !c.signature {
			items = append(items, textItem{t.fieldOf(row, col), cells[col],
				box{x + 1.2, y + 0.4, c.width - 2.4, t.rowH - 0.8}, c.maxSize, c.minSize, c.bold, c.align, colorInk})
		}
		x += c.width
	}
	return items
}

// checkRows fit-checks every cell without drawing, for validation.
func (t *table) checkRows(c *canvas, rows [][]string) []FieldError {
	var problems []FieldError
	for i, cells := range rows {
		problems = append(problems, checkFit(t.cellItems(i, cells, 0), c)...)
	}
	return problems
}

// draw renders rows; pageHeader draws what precedes the table on each page
// (it is called after the page is added).
func (t *table) draw(c *canvas, rows [][]string, pageHeader func(page, pages int) error) error {
	pages := t.pages(len(rows))
	next := 0
	for page := 0; page < pages; page++ {
		if page > 0 || !t.startOnFirstPage {
			c.pdf.AddPage()
		}
		if err := pageHeader(page, pages); err != nil {
			return err
		}
		y := t.top
		if page == 0 {
			y = t.firstTop
		}
		if err := t.drawHeader(c, y); err != nil {
			return err
		}
		y += t.headH
		for n := t.rowsOn(page); n > 0 && next < len(rows); n-- {
			if err := t.drawRow(c, next, rows[next], y); err != nil {
				return err
			}
			y += t.rowH
			next++
		}
	}
	return nil
}

func (t *table) drawHeader(c *canvas, y float64) error {
	x := t.x
	var items []textItem
	for _, col := range t.cols {
		items = append(items, textItem{"", text(col.title, t.locale), box{x + 1.2, y, col.width - 2.4, t.headH}, 8, 6, true, col.align, colorMuted})
		x += col.width
	}
	if err := drawItems(c, items); err != nil {
		return err
	}
	c.pdf.SetDrawColor(colorAccent.r, colorAccent.g, colorAccent.b)
	c.pdf.SetLineWidth(0.4)
	c.pdf.Line(t.x, y+t.headH, x, y+t.headH)
	return nil
}

func (t *table) drawRow(c *canvas, row int, cells []string, y float64) error {
	if err := drawItems(c, t.cellItems(row, cells, y)); err != nil {
		return err
	}
	c.pdf.SetDrawColor(200, 204, 208)
	c.pdf.SetLineWidth(0.15)
	x := t.x
	for _, col := range t.cols {
		if col.signature {
			c.pdf.SetDrawColor(colorMuted.r, colorMuted.g, colorMuted.b)
			c.pdf.Line(x+3, y+t.rowH-2.2, x+col.width-3, y+t.rowH-2.2)
			c.pdf.SetDrawColor(200, 204, 208)
		}
		x += col.width
	}
	c.pdf.Line(t.x, y+t.rowH, x, y+t.rowH)
	return nil
}

// pageLabel is "Страна 2 од 7" in the locale.
func pageLabel(page, pages int, loc lang.Locale) string {
	return fmt.Sprintf(text(lblPage, loc), page+1, pages)
}
