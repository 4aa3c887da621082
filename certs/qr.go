package certs

import (
	"fmt"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// qrModules is the QR code for content as rows of dark (true) modules,
// without the quiet zone: the page around it is kept empty instead.
// Medium error correction survives a fold or a coffee stain on paper.
func qrModules(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("certs: QR code: %w", err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// drawQR draws the modules as vector rectangles, one per horizontal run of
// dark modules, in a single path. Vectors print sharp at any size, need no
// image encoding per document, and are deterministic.
func drawQR(pdf *fpdf.Fpdf, x, y, size float64, modules [][]bool) {
	if len(modules) == 0 {
		return
	}
	k := pdf.GetConversionRatio()
	_, pageH := pdf.GetPageSize()
	m := size / float64(len(modules)) * k // module size in points
	x0, top := x*k, (pageH-y)*k
	buf := make([]byte, 0, 32*len(modules)*len(modules)/4)
	num := func(v float64) {
		buf = strconv.AppendFloat(buf, v, 'f', 3, 64)
		buf = append(buf, ' ')
	}
	for row, line := range modules {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			end := col
			for end < len(line) && line[end] {
				end++
			}
			num(x0 + float64(col)*m)
			num(top - float64(row+1)*m)
			num(float64(end-col) * m)
			num(m)
			buf = append(buf, "re\n"...)
			col = end
		}
	}
	buf = append(buf, 'f')
	pdf.RawWriteStr(string(buf))
}
