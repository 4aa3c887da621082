package certs

import (
	"fmt"
	"strconv"
)

// sessionTable is the annex of an attendance certificate with more sessions
// than fit on its page: landscape, like the certificate.
func sessionTable(s Snapshot) *table {
	return &table{
		x: contentX,
		cols: []column{
			{title: lblNumber, width: 16, align: alignRight, maxSize: 9, minSize: 6},
			{title: lblDate, width: 50, maxSize: 9, minSize: 6},
			{title: lblPlace, width: contentW - 16 - 50 - 30, maxSize: 9, minSize: 5.5},
			{title: lblHoursShort, width: 30, align: alignRight, maxSize: 9, minSize: 6},
		},
		rowH: 7, headH: 6, firstTop: 46, top: 46, bottom: 192,
		fieldOf: func(row, col int) string { return fmt.Sprintf("Sessions[%d].Place", row) },
		locale:  s.Locale,
	}
}

func sessionRows(s Snapshot) [][]string {
	rows := make([][]string, len(s.Sessions))
	for i, ses := range s.Sessions {
		rows[i] = []string{strconv.Itoa(i+1) + ".", formatDate(ses.Date, s.Locale), ses.Place, formatHours(ses.Hours, s.Locale)}
	}
	return rows
}

func annexHeaderItems(s Snapshot, page, pages int) []textItem {
	return []textItem{
		{"", text(lblAnnexTitle, s.Locale), box{contentX, 18, contentW, 8}, 14, 14, true, alignLeft, colorAccent},
		{"HolderName", s.HolderName, box{contentX, 27, contentW, 9}, 11, 6, true, alignLeft, colorInk},
		{"", text(lblCode, s.Locale) + ": " + s.Code + "    " + pageLabel(page, pages, s.Locale),
			box{contentX, 37, contentW, 5}, 8, 8, false, alignLeft, colorMuted},
	}
}

func drawSessionAnnex(c *canvas, s Snapshot) error {
	t := sessionTable(s)
	return t.draw(c, sessionRows(s), func(page, pages int) error {
		drawFrame(c.pdf)
		return drawItems(c, annexHeaderItems(s, page, pages))
	})
}
