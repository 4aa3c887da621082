package markup

import (
	"strings"
	"testing"
)

// lesson is a typical ~5 KB lesson: headings, prose with emphasis and links,
// lists, a table, a quote and a code block.
var lesson = func() string {
	section := `## Ocena stanja pacienta

Pri **prvem stiku** s pacientom najprej preverimo *odzivnost* in dihanje. Če pacient
ne diha normalno, takoj pokličemo 112 in začnemo s temeljnimi postopki oživljanja.
Več o smernicah preberite na [strani ERC](https://www.erc.edu/guidelines) ali v
priročniku https://example.org/prirocnik.pdf.

1. Preverite varnost okolice.
2. Ocenite odzivnost: glasno nagovorite in nežno stresite ramena.
3. Sprostite dihalno pot in ocenite dihanje največ 10 sekund.

| Korak | Čas | Opomba |
|:------|----:|--------|
| Kompresije | 30 | globina 5–6 cm |
| Vpihi | 2 | ~~obvezno~~ priporočeno |

> Kakovostne kompresije so pomembnejše od vpihov.

` + "```text\nKompresije : vpihi = 30 : 2\n```\n\n"
	var b strings.Builder
	for b.Len() < 5000 {
		b.WriteString(section)
	}
	return b.String()
}()

func BenchmarkRender(b *testing.B) {
	b.SetBytes(int64(len(lesson)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(lesson); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlainText(b *testing.B) {
	b.SetBytes(int64(len(lesson)))
	b.ReportAllocs()
	for b.Loop() {
		_ = PlainText(lesson)
	}
}
