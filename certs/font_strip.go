package certs

import (
	"encoding/binary"
	"errors"
	"sort"
)

// stripHinting removes TrueType hinting from a font: the instructions in
// each glyph and the fpgm, prep and cvt tables that serve them. In the Go
// fonts they are over half the glyph data, and PDF viewers rasterise with
// their own anti-aliasing and ignore hints anyway, so every certificate
// gets about half the size for the same look. It runs once per face.
func stripHinting(font []byte) ([]byte, error) {
	be := binary.BigEndian
	if len(font) < 12 {
		return nil, errFont
	}
	n := int(be.Uint16(font[4:]))
	tables := map[string][]byte{}
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(font) {
			return nil, errFont
		}
		tag := string(font[rec : rec+4])
		off, length := int(be.Uint32(font[rec+8:])), int(be.Uint32(font[rec+12:]))
		if off < 0 || length < 0 || off+length > len(font) {
			return nil, errFont
		}
		tables[tag] = font[off : off+length]
	}
	head, maxp, loca, glyf := tables["head"], tables["maxp"], tables["loca"], tables["glyf"]
	if len(head) < 54 || len(maxp) < 6 || glyf == nil {
		return nil, errFont
	}
	numGlyphs := int(be.Uint16(maxp[4:]))
	offset := func(i int) int {
		if be.Uint16(head[50:]) == 0 {
			return 2 * int(be.Uint16(loca[2*i:]))
		}
		return int(be.Uint32(loca[4*i:]))
	}
	if need := (numGlyphs + 1) * map[uint16]int{0: 2, 1: 4}[be.Uint16(head[50:])]; len(loca) < need {
		return nil, errFont
	}
	var newGlyf []byte
	newLoca := make([]byte, 0, 4*(numGlyphs+1))
	for i := range numGlyphs {
		start, end := offset(i), offset(i+1)
		if start > end || end > len(glyf) {
			return nil, errFont
		}
		newLoca = be.AppendUint32(newLoca, uint32(len(newGlyf)))
		g, err := stripGlyph(glyf[start:end])
		if err != nil {
			return nil, err
		}
		newGlyf = append(newGlyf, g...)
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
	}
	newLoca = be.AppendUint32(newLoca, uint32(len(newGlyf)))
	newHead := append([]byte(nil), head...)
	be.PutUint16(newHead[50:], 1) // long loca offsets
	tables["glyf"], tables["loca"], tables["head"] = newGlyf, newLoca, newHead
	delete(tables, "fpgm")
	delete(tables, "prep")
	delete(tables, "cvt ")
	return assembleFont(tables), nil
}

var errFont = errors.New("certs: malformed TrueType font")

func stripGlyph(g []byte) ([]byte, error) {
	be := binary.BigEndian
	if len(g) == 0 {
		return nil, nil
	}
	if len(g) < 10 {
		return nil, errFont
	}
	contours := int16(be.Uint16(g))
	if contours >= 0 {
		p := 10 + 2*int(contours)
		if p+2 > len(g) {
			return nil, errFont
		}
		skip := int(be.Uint16(g[p:]))
		if p+2+skip > len(g) {
			return nil, errFont
		}
		out := append([]byte(nil), g[:p]...)
		out = append(out, 0, 0)
		return append(out, g[p+2+skip:]...), nil
	}
	out := append([]byte(nil), g...)
	const (
		argsAreWords  = 0x0001
		haveScale     = 0x0008
		moreComps     = 0x0020
		haveXYScale   = 0x0040
		haveTwoByTwo  = 0x0080
		haveInstructs = 0x0100
	)
	p := 10
	for {
		if p+4 > len(out) {
			return nil, errFont
		}
		flags := be.Uint16(out[p:])
		be.PutUint16(out[p:], flags&^haveInstructs)
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComps == 0 {
			break
		}
	}
	if p > len(out) {
		return nil, errFont
	}
	return out[:p], nil
}

// assembleFont writes an sfnt with tables in tag order, each 4-byte aligned
// and checksummed, and the head table's whole-font checksum adjustment.
func assembleFont(tables map[string][]byte) []byte {
	be := binary.BigEndian
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	pow, log := 1, 0
	for pow*2 <= n {
		pow *= 2
		log++
	}
	out := be.AppendUint32(nil, 0x00010000)
	out = be.AppendUint16(out, uint16(n))
	out = be.AppendUint16(out, uint16(pow*16))
	out = be.AppendUint16(out, uint16(log))
	out = be.AppendUint16(out, uint16(n*16-pow*16))
	dir := len(out)
	out = append(out, make([]byte, 16*n)...)
	headAt := 0
	for i, tag := range tags {
		data := tables[tag]
		if tag == "head" {
			data = append([]byte(nil), data...)
			be.PutUint32(data[8:], 0)
			headAt = len(out)
		}
		rec := dir + 16*i
		copy(out[rec:], tag)
		be.PutUint32(out[rec+4:], checksum(data))
		be.PutUint32(out[rec+8:], uint32(len(out)))
		be.PutUint32(out[rec+12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	be.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var word [4]byte
		copy(word[:], b[i:])
		sum += binary.BigEndian.Uint32(word[:])
	}
	return sum
}
