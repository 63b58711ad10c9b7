package eval

import (
	"strconv"
	"strings"
)

// render writes one planned record as text, drawing the everyday format
// variations (spacing, dashes, 丁目 forms, date forms) as it goes.
func (g *gen) render(p *person, rp *recPlan) Row {
	row := Row{Source: sourceNames[rp.src], Truth: p.id, Case: caseNames[rp.label]}
	g.renderName(p, rp, &row)

	// In a fullwidth record, each numeric field is full-width with some
	// probability, and at least one is.
	var fw [4]bool // phone, postal, address, birthday
	if rp.variation == caseFullwidth {
		present := [4]bool{rp.phone != "", rp.postal, rp.addr, rp.bday != bdayNone}
		any := false
		for i := range fw {
			fw[i] = present[i] && g.chance(0.7)
			any = any || fw[i]
		}
		for !any {
			i := g.n(4)
			fw[i], any = present[i], present[i]
		}
	}

	if rp.phone != "" {
		s := rp.phone
		if rp.phoneTypo {
			s = g.typoPhone(s)
		}
		row.Phone = g.formatPhone(s, fw[0])
	}
	if rp.email != "" {
		row.Email = rp.email
		if rp.variation == caseEmailVariant {
			row.Email = g.emailVariant(rp.email, rp.src)
		}
	}
	switch rp.bday {
	case bdayFull:
		row.Birthday = g.formatDate(p.by, p.bm, p.bd, fw[3])
	case bdayWareki:
		row.Birthday = g.formatWareki(p.by, p.bm, p.bd, fw[3])
	case bdayMonthDay:
		row.Birthday = g.formatMonthDay(p.bm, p.bd, fw[3])
	}
	a := p.addrFor(rp.old)
	if rp.addr {
		row.Address = g.formatAddress(a, fw[2])
	}
	if rp.postal {
		pc := g.formatPostal(areas[a.area].postal, fw[1])
		if rp.addr && rp.src == srcOldCSV && g.chance(0.15) {
			// Old ledgers keep the postal code in the address cell.
			if !strings.HasPrefix(pc, "〒") {
				pc = "〒" + pc
			}
			row.Address = pc + " " + row.Address
		} else {
			row.PostalCode = pc
		}
	}
	if rp.company {
		row.Company = g.formatCompany(companies[p.company])
	}
	return row
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// renderName fills the name columns.
func (g *gen) renderName(p *person, rp *recPlan, row *Row) {
	f, gv := &families[p.famFor(rp.old)], &givens[p.given]
	sep := g.chance(profiles[rp.src].sepNames) && rp.variation != caseHonorific
	switch rp.variation {
	case caseRomaji:
		style := g.pick(romajiStyleWeights)
		fr, gr := f.roma[style], gv.roma[style]
		if sep {
			if g.chance(0.6) {
				row.FamilyName, row.GivenName = title(fr), title(gr)
			} else {
				row.FamilyName, row.GivenName = strings.ToUpper(fr), strings.ToUpper(gr)
			}
			break
		}
		switch x := g.n(100); {
		case x < 40:
			row.FullName = title(gr) + " " + title(fr)
		case x < 70:
			row.FullName = strings.ToUpper(fr) + " " + strings.ToUpper(gr)
		case x < 80:
			row.FullName = gr + " " + fr
		case x < 92:
			row.FullName = title(fr) + " " + title(gr)
		default:
			row.FullName = strings.ToUpper(gr) + " " + strings.ToUpper(fr)
		}
	case caseKanaOnly:
		fk, gk := f.kana, gv.kana
		if g.chance(0.4) {
			fk, gk = f.hira, gv.hira
		}
		if sep {
			row.FamilyName, row.GivenName = fk, gk
		} else {
			row.FullName = fk + g.nameSpace() + gk
		}
	default:
		fk := f.kanji
		if rp.variation == caseItaiji {
			fk = f.variants[g.n(len(f.variants))]
		}
		if sep {
			row.FamilyName, row.GivenName = fk, gv.kanji
			if g.chance(0.2) {
				row.FullName = fk + " " + gv.kanji
			}
		} else {
			row.FullName = fk + g.nameSpace() + gv.kanji
		}
	}
	if rp.variation == caseHonorific {
		if g.chance(0.6) {
			row.FullName += " 様"
		} else {
			row.FullName += "様"
		}
	}
	if !rp.kana {
		return
	}
	fk, gk := f.kana, gv.kana
	if rp.kanaTypo {
		if g.chance(0.5) {
			fk = g.typoKana(fk)
		} else {
			gk = g.typoKana(gk)
		}
	}
	if rp.variation == caseHalfwidthKana {
		sp := " "
		if g.chance(0.3) {
			sp = ""
		}
		row.NameKana = toHalfwidth(fk) + sp + toHalfwidth(gk)
		return
	}
	switch x := g.n(100); {
	case x < 50:
		row.NameKana = fk + " " + gk
	case x < 70:
		row.NameKana = fk + gk
	case x < 75:
		row.NameKana = fk + "　" + gk
	default:
		row.NameKana = toHiragana(fk) + g.nameSpace() + toHiragana(gk)
	}
}

// nameSpace is what people put between family and given name.
func (g *gen) nameSpace() string {
	switch x := g.n(100); {
	case x < 50:
		return " "
	case x < 80:
		return ""
	}
	return "　"
}

// typoKana changes one kana: a dropped or added 濁点, a small or large
// kana, a look-alike, or a neighbour in the 五十音 table.
func (g *gen) typoKana(s string) string {
	rs := []rune(s)
	i := g.n(len(rs))
	r := rs[i]
	if v, ok := voicedPairs[r]; ok && g.chance(0.6) {
		rs[i] = v
	} else if v, ok := lookalikes[r]; ok {
		rs[i] = v
	} else {
		const row = "アイウエオカキクケコサシスセソタチツテトナニヌネノマミムメモラリルレロ"
		alt := []rune(row)
		for rs[i] == r {
			rs[i] = alt[g.n(len(alt))]
		}
	}
	return string(rs)
}

// typoPhone changes one digit after the prefix, or swaps two neighbours.
func (g *gen) typoPhone(s string) string {
	b := []byte(s)
	var pos []int
	for i, c := range b {
		if c >= '0' && c <= '9' && i >= 4 {
			pos = append(pos, i)
		}
	}
	i := pos[g.n(len(pos))]
	if g.chance(0.4) {
		for k, j := range pos {
			if j == i && k+1 < len(pos) && b[pos[k+1]] != b[i] {
				b[i], b[pos[k+1]] = b[pos[k+1]], b[i]
				return string(b)
			}
		}
	}
	old := b[i]
	for b[i] == old {
		b[i] = byte('0' + g.n(10))
	}
	return string(b)
}

// dash is the separator of a full-width record: the proper full-width
// hyphen, the katakana long mark an IME offers, or the minus sign.
func (g *gen) dash() string {
	switch x := g.n(100); {
	case x < 60:
		return "－"
	case x < 80:
		return "ー"
	}
	return "−"
}

// formatPhone writes a canonical "090-1234-5678" as people do.
func (g *gen) formatPhone(c string, fullwidth bool) string {
	p0, rest, _ := strings.Cut(c, "-")
	p1, p2, _ := strings.Cut(rest, "-")
	if fullwidth {
		if g.chance(0.75) {
			d := g.dash()
			return toFullwidth(p0) + d + toFullwidth(p1) + d + toFullwidth(p2)
		}
		return toFullwidth(p0 + p1 + p2)
	}
	switch x := g.n(100); {
	case x < 45:
		return c
	case x < 65:
		return p0 + p1 + p2
	case x < 70:
		return "+81 " + p0[1:] + "-" + p1 + "-" + p2
	case x < 74:
		return "+81" + p0[1:] + p1 + p2
	case x < 82:
		return "(" + p0 + ")" + p1 + "-" + p2
	case x < 90:
		return p0 + "(" + p1 + ")" + p2
	}
	return p0 + " " + p1 + " " + p2
}

func (g *gen) formatPostal(code string, fullwidth bool) string {
	s := code[:3] + "-" + code[3:]
	if fullwidth {
		if g.chance(0.6) {
			return toFullwidth(code[:3]) + g.dash() + toFullwidth(code[3:])
		}
		return "〒" + toFullwidth(s)
	}
	switch x := g.n(100); {
	case x < 50:
		return s
	case x < 72:
		return "〒" + s
	case x < 97:
		return code
	}
	return "〒" + code
}

var kanjiDigits = []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

func itoa(n int) string { return strconv.Itoa(n) }

// formatAddress writes an address with its 丁目-番-号 in one of the common
// shapes, the prefecture sometimes left out, the building sometimes.
func (g *gen) formatAddress(a address, fullwidth bool) string {
	ar := &areas[a.area]
	var b strings.Builder
	b.Grow(96)
	if g.chance(0.75) {
		b.WriteString(ar.pref)
	}
	b.WriteString(ar.city)
	b.WriteString(ar.town)
	c, n, k := itoa(a.chome), itoa(a.ban), itoa(a.gou)
	switch {
	case fullwidth && ar.chome > 0:
		switch x := g.n(100); {
		case x < 50:
			d := g.dash()
			b.WriteString(toFullwidth(c) + d + toFullwidth(n) + d + toFullwidth(k))
		case x < 80:
			b.WriteString(toFullwidth(c) + "丁目" + toFullwidth(n) + "番" + toFullwidth(k) + "号")
		default:
			b.WriteString(c + "−" + n + "−" + k)
		}
	case fullwidth:
		if g.chance(0.7) {
			b.WriteString(toFullwidth(n) + g.dash() + toFullwidth(k))
		} else {
			b.WriteString(toFullwidth(n) + "番地" + toFullwidth(k))
		}
	case ar.chome > 0:
		switch x := g.n(100); {
		case x < 25:
			b.WriteString(c + "丁目" + n + "番" + k + "号")
		case x < 62:
			b.WriteString(c + "-" + n + "-" + k)
		case x < 72:
			b.WriteString(kanjiDigits[a.chome] + "丁目" + n + "番" + k + "号")
		case x < 92:
			b.WriteString(c + "丁目" + n + "-" + k)
		default:
			b.WriteString(c + "丁目" + n + "番地" + k)
		}
	default:
		switch x := g.n(100); {
		case x < 30:
			b.WriteString(n + "番" + k + "号")
		case x < 80:
			b.WriteString(n + "-" + k)
		default:
			b.WriteString(n + "番地" + k)
		}
	}
	if a.bldg >= 0 && g.chance(0.75) {
		name := buildingPrefixes[a.bldg/2]
		if a.bldg%2 == 1 {
			name += ar.town
		}
		room := itoa(a.room)
		if fullwidth {
			room = toFullwidth(room)
		}
		switch x := g.n(100); {
		case x < 35:
			b.WriteString(" " + name + " " + room + "号室")
		case x < 60:
			b.WriteString(" " + name + room)
		case x < 75:
			b.WriteString("　" + name + " " + room)
		case x < 90 && !fullwidth:
			b.WriteString("-" + room)
		default:
			b.WriteString(" " + name + " " + room + "号")
		}
	}
	return b.String()
}

// formatDate writes a Gregorian date.
func (g *gen) formatDate(y, m, d int, fullwidth bool) string {
	ys, ms, ds := itoa(y), itoa(m), itoa(d)
	m2, d2 := string(appendPadded(nil, m, 2)), string(appendPadded(nil, d, 2))
	var s string
	switch x := g.n(100); {
	case x < 30:
		s = ys + "-" + m2 + "-" + d2
	case x < 50:
		s = ys + "/" + ms + "/" + ds
	case x < 65:
		s = ys + "/" + m2 + "/" + d2
	case x < 85:
		s = ys + "年" + ms + "月" + ds + "日"
	case x < 95:
		s = ys + m2 + d2
	default:
		s = ys + "." + ms + "." + ds
	}
	if fullwidth {
		s = toFullwidth(s)
	}
	return s
}

// wareki converts a Gregorian date to the Japanese era calendar: the era
// name, its initial and the year in the era (1 is 元年). Eras begin on
// 1868-10-23 (明治), 1912-07-30 (大正), 1926-12-25 (昭和), 1989-01-08 (平成)
// and 2019-05-01 (令和); ok is false before 明治.
func wareki(y, m, d int) (era string, initial string, year int, ok bool) {
	switch v := y*10000 + m*100 + d; {
	case v >= 20190501:
		return "令和", "R", y - 2018, true
	case v >= 19890108:
		return "平成", "H", y - 1988, true
	case v >= 19261225:
		return "昭和", "S", y - 1925, true
	case v >= 19120730:
		return "大正", "T", y - 1911, true
	case v >= 18681023:
		return "明治", "M", y - 1867, true
	}
	return "", "", 0, false
}

func (g *gen) formatWareki(y, m, d int, fullwidth bool) string {
	era, ini, ey, ok := wareki(y, m, d)
	if !ok {
		return g.formatDate(y, m, d, fullwidth)
	}
	eys := itoa(ey)
	if ey == 1 {
		eys = "元"
	}
	var s string
	switch x := g.n(100); {
	case x < 70:
		s = era + eys + "年" + itoa(m) + "月" + itoa(d) + "日"
	case x < 80:
		s = era + eys + "年" + string(appendPadded(nil, m, 2)) + "月" + string(appendPadded(nil, d, 2)) + "日"
	case x < 92:
		s = ini + itoa(ey) + "." + itoa(m) + "." + itoa(d)
	default:
		s = ini + itoa(ey) + "/" + itoa(m) + "/" + itoa(d)
	}
	if fullwidth {
		s = toFullwidth(s)
	}
	return s
}

func (g *gen) formatMonthDay(m, d int, fullwidth bool) string {
	var s string
	if g.chance(0.65) {
		s = itoa(m) + "月" + itoa(d) + "日"
	} else {
		s = "--" + string(appendPadded(nil, m, 2)) + "-" + string(appendPadded(nil, d, 2))
	}
	if fullwidth {
		s = toFullwidth(s)
	}
	return s
}

// formatCompany writes the company with its legal form spelt one of the
// usual ways (株式会社, (株), ㈱, （株）) or left out.
func (g *gen) formatCompany(c company) string {
	x := g.n(100)
	switch c.form {
	case formKKPrefix, formKKSuffix:
		var f string
		switch {
		case x < 50:
			f = "株式会社"
		case x < 70:
			f = "(株)"
		case x < 80:
			f = "㈱"
		case x < 90:
			f = "（株）"
		default:
			return c.name
		}
		if c.form == formKKPrefix {
			return f + c.name
		}
		return c.name + f
	case formYK:
		switch {
		case x < 55:
			return "有限会社" + c.name
		case x < 80:
			return "(有)" + c.name
		case x < 90:
			return "㈲" + c.name
		}
	}
	return c.name
}

var plusTags = []string{"shop", "coupon", "news", "2023", "reserve"}

// emailVariant writes an address the way a form or a clerk mangles it.
func (g *gen) emailVariant(e string, src int) string {
	local, domain, _ := strings.Cut(e, "@")
	const (
		opCase = iota
		opSpace
		opWidth
		opDots
		opPlus
	)
	var op int
	if domain == "gmail.com" {
		op = []int{opCase, opSpace, opWidth, opDots, opPlus}[g.pick([]int{20, 15, 15, 25, 25})]
	} else {
		op = []int{opCase, opSpace, opWidth}[g.pick([]int{40, 30, 30})]
	}
	second := -1
	if g.chance(0.3) {
		second = []int{opCase, opSpace}[g.n(2)]
	}
	switch op {
	case opDots:
		if strings.Contains(local, ".") {
			local = strings.ReplaceAll(local, ".", "")
		} else if len(local) > 2 {
			i := 1 + g.n(len(local)-1)
			local = local[:i] + "." + local[i:]
		}
	case opPlus:
		tag := plusTags[g.n(len(plusTags))]
		if g.chance(0.5) {
			tag = sourceNames[src]
			tag = strings.ReplaceAll(tag, "_", "")
		}
		local += "+" + tag
	}
	s := local + "@" + domain
	if op == opCase || second == opCase {
		switch x := g.n(100); {
		case x < 40:
			s = title(local) + "@" + domain
		case x < 70:
			s = strings.ToUpper(s)
		default:
			s = local + "@" + title(domain)
		}
	}
	if op == opWidth {
		if g.chance(0.5) {
			s = strings.Replace(s, "@", "＠", 1)
		} else {
			s = toFullwidth(s)
		}
	}
	if op == opSpace || second == opSpace {
		switch x := g.n(100); {
		case x < 50:
			s = " " + s + " "
		case x < 75:
			s += " "
		case x < 90:
			s = "  " + s
		default:
			s = "　" + s
		}
	}
	return s
}
