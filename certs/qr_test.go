package certs

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/prepoznaj/prepoznaj/lang"
)

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("decoding QR: %v", err)
	}
	return res.GetText()
}

// The modules the renderer draws decode to the verification URL.
func TestQRModules(t *testing.T) {
	url := VerifyURL("https://prepoznaj.example.rs", sampleCode(t, 7))
	modules, err := qrModules(url)
	if err != nil {
		t.Fatal(err)
	}
	const scale, quiet = 4, 4
	n := len(modules)
	img := image.NewGray(image.Rect(0, 0, (n+2*quiet)*scale, (n+2*quiet)*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range modules {
		for x, dark := range row {
			if dark {
				for dy := range scale {
					for dx := range scale {
						img.SetGray((x+quiet)*scale+dx, (y+quiet)*scale+dy, color.Gray{})
					}
				}
			}
		}
	}
	if got := decodeQR(t, img); got != url {
		t.Fatalf("QR = %q, want %q", got, url)
	}
}

// End to end: rasterise the printed page as a phone camera would see it and
// read the QR code off it.
func TestRenderQRDecodes(t *testing.T) {
	tool := requireTool(t, "pdftoppm")
	for _, locale := range lang.Locales {
		s := sampleSnapshot(t, locale)
		dir := t.TempDir()
		in := filepath.Join(dir, "cert.pdf")
		if err := os.WriteFile(in, renderBytes(t, s), 0o600); err != nil {
			t.Fatal(err)
		}
		// Crop to the QR's corner of the page so the decoder sees one code.
		out, err := exec.Command(tool, "-r", "150", "-png", "-singlefile",
			"-x", "1200", "-y", "800", "-W", "554", "-H", "440", in, filepath.Join(dir, "page")).CombinedOutput()
		if err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		f, err := os.Open(filepath.Join(dir, "page.png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, img); got != s.VerifyURL {
			t.Fatalf("%s: QR = %q, want %q", locale, got, s.VerifyURL)
		}
	}
}
