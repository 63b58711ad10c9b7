package eval

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Case labels. The order of the variations matches the weights in
// profiles; the hard cases follow.
const (
	caseNone = iota
	caseRomaji
	caseKanaOnly
	caseItaiji
	caseHonorific
	caseHalfwidthKana
	caseFullwidth
	caseWareki
	caseMonthDay
	caseEmailVariant
	numVariations
)

const (
	caseHousehold = numVariations + iota
	caseTwins
	caseNamesake
	caseSharedEmail
	caseSharedAddress
	caseMaidenName
	caseMoved
	caseTypo
	numCases
)

var caseNames = [numCases]string{
	caseNone:          "",
	caseRomaji:        "romaji",
	caseKanaOnly:      "kana_only",
	caseItaiji:        "itaiji",
	caseHonorific:     "honorific",
	caseHalfwidthKana: "halfwidth_kana",
	caseFullwidth:     "fullwidth",
	caseWareki:        "wareki",
	caseMonthDay:      "month_day",
	caseEmailVariant:  "email_variant",
	caseHousehold:     "household",
	caseTwins:         "twins",
	caseNamesake:      "namesake",
	caseSharedEmail:   "shared_email",
	caseSharedAddress: "shared_address",
	caseMaidenName:    "maiden_name",
	caseMoved:         "moved",
	caseTypo:          "typo",
}

// JapaneseCases lists the Case labels Japanese uses, in a fixed order. A
// record with none of them (Case "") is a plain record: its name is in
// kanji (with or without a space), and its phone, postal code, address,
// birthday and email are written with ASCII digits and letters in one of
// the everyday forms (090-1234-5678, 〒150-0041, 1丁目2-3, 1985年4月12日).
//
// Variations, on one record, as the record's main variation:
//
//   - romaji: the name in romaji, in Western or family-first order, in
//     Hepburn, Hepburn with "oh", keyboard (Satou, Yuuki) or Kunrei (Sinzi)
//     spelling
//   - kana_only: the name in katakana or hiragana only, no kanji
//   - itaiji: the family name in a variant kanji (髙橋, 渡邊, 齋藤, 山﨑, 𠮷田)
//   - honorific: 様 after the name
//   - halfwidth_kana: the reading in half-width katakana (ｻﾄｳ ﾀﾛｳ)
//   - fullwidth: full-width digits and dashes (０９０－１２３４－５６７８,
//     １－２－３, 1−2−3) in the phone, postal code, address or birthday
//   - wareki: the birthday in the Japanese era calendar (昭和60年4月12日,
//     S60.4.12, 令和元年5月1日)
//   - month_day: the birthday without a year (4月12日, --04-12)
//   - email_variant: the email with changed case, surrounding spaces,
//     full-width characters, or (gmail.com only) moved dots and a +tag
//
// Hard negatives, on every record of every person involved:
//
//   - household: 2-4 people with one family name, one address and postal
//     code, often one landline and sometimes one family email, with
//     different given names and birthdays
//   - twins: a household of two with the same birthday
//   - namesake: different people with identical kanji and kana names (many
//     of them 佐藤 翔太), different birthdays and contacts; some in the same
//     prefecture
//   - shared_email: colleagues who give their small company's shared
//     mailbox (info@…), each with their own phone
//   - shared_address: unrelated people (different family names) at one
//     address, in one room or in different rooms of one building
//
// Hard positives, on the one record that carries the difficulty:
//
//   - maiden_name: a woman's old record under her maiden family name; the
//     other records use her married name, with the same given name,
//     birthday and mobile phone
//   - moved: an old record with a previous address (and landline); the
//     newer records share the mobile phone or email
//   - typo: a one-character slip in the kana reading or one wrong or
//     swapped digit in the phone, the other fields agreeing with another
//     record of the person
func JapaneseCases() []string {
	out := make([]string, 0, numCases-1)
	for _, c := range caseNames[1:] {
		out = append(out, c)
	}
	return out
}

// Sources, as the exporting tools name them.
const (
	srcPOS = iota
	srcBooking
	srcLINE
	srcOldCSV
	numSources
)

var sourceNames = [numSources]string{"pos", "booking", "line", "old_csv"}

// profile says what a source's export usually holds: the probability that
// a record shows each field, and how often each main variation appears.
type profile struct {
	weight     int
	sepNames   float64 // family and given name in separate columns
	kana       float64 // a reading column is filled
	phone      float64
	landline   float64 // landline rather than mobile, when the person has both
	email      float64
	bday       float64
	addr       float64
	postalOnly float64 // postal code without the address (LINE asks only that)
	company    float64
	variations [numVariations]int
}

var profiles = [numSources]profile{
	srcPOS: {weight: 34, sepNames: 0.25, kana: 0.55, phone: 0.80, landline: 0.15, email: 0.35, bday: 0.35, addr: 0.35, postalOnly: 0.05, company: 0.30,
		//           none romaji kanaOnly itaiji honor half full wareki mmdd email
		variations: [numVariations]int{50, 3, 8, 5, 2, 6, 6, 3, 10, 7}},
	srcBooking: {weight: 28, sepNames: 0.75, kana: 0.80, phone: 0.85, landline: 0.10, email: 0.95, bday: 0.15, addr: 0.10, postalOnly: 0.05, company: 0.20,
		variations: [numVariations]int{52, 10, 3, 2, 0, 2, 5, 1, 3, 22}},
	srcLINE: {weight: 24, sepNames: 0.05, kana: 0.15, phone: 0.45, landline: 0.05, email: 0.15, bday: 0.60, addr: 0.10, postalOnly: 0.25, company: 0,
		variations: [numVariations]int{38, 25, 18, 1, 0, 1, 2, 0, 13, 2}},
	srcOldCSV: {weight: 14, sepNames: 0.15, kana: 0.70, phone: 0.90, landline: 0.55, email: 0.25, bday: 0.50, addr: 0.85, postalOnly: 0.02, company: 0.60,
		variations: [numVariations]int{32, 1, 2, 12, 14, 15, 10, 12, 0, 2}},
}

// Shares of people in each hard case, and the weights of group sizes
// 2, 3, 4.
const (
	shareHousehold     = 0.08
	shareTwins         = 0.005
	shareNamesake      = 0.03
	shareSharedEmail   = 0.015
	shareSharedAddress = 0.015
	shareMaidenName    = 0.02
	shareMoved         = 0.03
	shareTypo          = 0.03
)

// Records per person: 1, 2, 3 or 4, about 2.05 on average.
var recordsPerPerson = []int{38, 32, 18, 12}

// Romaji style weights, in romajiStyle order.
var romajiStyleWeights = []int{65, 12, 15, 8}

// Birthday shapes in a record plan.
const (
	bdayNone = iota
	bdayFull
	bdayWareki
	bdayMonthDay
)

// address is a place a person lives. bldg indexes buildingPrefixes twice
// over (odd: the town name follows the prefix); -1 is a house.
type address struct {
	area, chome, ban, gou int
	bldg, room            int
}

// person is one human being as the generator knows them; records show
// parts of it.
type person struct {
	id         string
	role       int
	fam        int
	maiden     int // family index before marriage, -1 if none
	given      int
	female     bool
	by, bm, bd int

	mobile, landline string // "090-1234-5678", "03-1234-5678"; "" if none
	email            string
	wantEmail        bool    // give the person an email once the name is final
	email2           string  // a shared mailbox (family, company)
	email2p          float64 // how often records give email2 rather than email
	company          int     // -1 if none

	addr address
	// anchor is what a household member's first record always shows, so
	// that the members visibly share it: anchorLandline or anchorAddress.
	anchor int
	// Before a move or a marriage: the old address, landline and email.
	hasOld      bool
	oldAddr     address
	oldLandline string
	oldEmail    string
}

const (
	anchorNone = iota
	anchorLandline
	anchorAddress
)

// recPlan is what one record will show, decided before any text is
// written so that the evidence shared between a person's records can be
// checked and topped up.
type recPlan struct {
	src, label, variation int
	old                   bool // the person before a marriage or a move
	phone                 string
	phoneTypo             bool
	email                 string
	bday                  int
	addr, postal          bool
	kana, kanaTypo        bool
	company               bool
}

// Japanese returns customer records of people distinct persons as the
// tools of a Japanese small business export them: a POS register ("pos"),
// a booking system ("booking"), a LINE official account ("line") and a
// legacy spreadsheet ("old_csv"). Each person appears in 1 to 4 records,
// about 2 on average; Truth is the person's id and Case the record's main
// variation or hard case (see JapaneseCases). Records of one person differ
// the way real exports do, yet every two of them share the name reading
// and at least one of phone, email, full birthday or address (two besides
// the name for maiden_name and typo records), so a careful person would
// say they are one customer.
//
// About 8% of people live in households, 3% are namesakes, 2% have a
// maiden-name record, 3% moved, 3% have a typo, 1.5% share a company
// mailbox, 1.5% share an address with strangers, 0.5% are twins.
// Names are drawn by real frequency (佐藤, 鈴木, 高橋, …) with given names
// that fit the birth year; addresses are real towns with their real postal
// codes and landline area codes; phone numbers and emails are made unique
// per person unless shared on purpose.
//
// The result depends only on seed and people (a PCG generator from
// math/rand/v2 drives everything). Rows are shuffled; record ids are
// "<source>-000001" upward, numbered after the shuffle so that they say
// nothing about who is who.
func Japanese(seed int64, people int) []Row {
	if people <= 0 {
		return []Row{}
	}
	g := newGen(seed, people)
	units := g.units()
	// Decide record counts first, so the output is allocated once.
	counts := make([]uint8, people)
	total, i := 0, 0
	for _, u := range units {
		for range u.size {
			k := 1 + g.pick(recordsPerPerson)
			if (u.role == caseMaidenName || u.role == caseMoved || u.role == caseTypo) && k < 2 {
				k = 2
			}
			counts[i] = uint8(k)
			total += k
			i++
		}
	}
	rows := make([]Row, 0, total)
	i = 0
	for _, u := range units {
		ps := g.unitPeople(u)
		for j := range ps {
			ps[j].id = g.personID(i)
			rows = g.records(&ps[j], int(counts[i]), rows)
			i++
		}
	}
	g.r.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
	var seq [numSources]int
	buf := make([]byte, 0, 32)
	for i := range rows {
		s := sourceIndex(rows[i].Source)
		seq[s]++
		buf = append(buf[:0], rows[i].Source...)
		buf = append(buf, '-')
		buf = appendPadded(buf, seq[s], 6)
		rows[i].RecordID = string(buf)
	}
	return rows
}

func sourceIndex(name string) int {
	for i, n := range sourceNames {
		if n == name {
			return i
		}
	}
	panic("eval: unknown source " + name)
}

// gen holds the state of one Japanese call.
type gen struct {
	r      *rand.Rand
	people int

	famCum, areaCum, mailCum []int
	givenBy                  [2][3][]int // [female][era bucket] → given indices
	areasByPref              map[string][]int
	sato, shota              int

	emails                 map[string]struct{}
	mobA, mobB, telA, telB uint64
	mobSeq, telSeq         uint64
	namesakeGroups         int
	idWidth                int

	persons []person
	plans   []recPlan
}

func newGen(seed int64, people int) *gen {
	g := &gen{
		r:           rand.New(rand.NewPCG(uint64(seed), 0x6e61796f7365)), // "nayose"
		people:      people,
		areasByPref: make(map[string][]int),
		emails:      make(map[string]struct{}, people),
		idWidth:     max(6, len(strconv.Itoa(people-1))),
	}
	g.famCum = cumulative(len(families), func(i int) int { return families[i].weight })
	g.areaCum = cumulative(len(areas), func(i int) int { return areaWeights[i] })
	g.mailCum = cumulative(len(mailDomains), func(i int) int { return mailDomains[i].weight })
	for i, gv := range givens {
		f := 0
		if gv.female {
			f = 1
		}
		for b := range 3 {
			if gv.eras&(1<<b) != 0 {
				g.givenBy[f][b] = append(g.givenBy[f][b], i)
			}
		}
	}
	for i, a := range areas {
		g.areasByPref[a.pref] = append(g.areasByPref[a.pref], i)
	}
	for i, f := range families {
		if f.kanji == "佐藤" {
			g.sato = i
		}
	}
	for i, gv := range givens {
		if gv.kanji == "翔太" {
			g.shota = i
		}
	}
	// Affine maps modulo a power of ten with a multiplier prime to 10 are
	// bijections: distinct sequence numbers give distinct phone numbers
	// without remembering the ones handed out.
	g.mobA = 10_000_000 + uint64(g.r.IntN(90_000_000))
	for g.mobA%5 == 0 || g.mobA%2 == 0 || g.mobA%3 == 0 { // coprime to 90,000,000
		g.mobA++
	}
	g.mobB = uint64(g.r.IntN(100_000_000))
	g.telA = 3 + 2*uint64(g.r.IntN(50_000))
	for g.telA%5 == 0 || g.telA%2 == 0 {
		g.telA++
	}
	g.telB = uint64(g.r.IntN(100_000))
	return g
}

func cumulative(n int, w func(int) int) []int {
	c := make([]int, n)
	s := 0
	for i := range n {
		s += w(i)
		c[i] = s
	}
	return c
}

// pickCum draws an index with the weights summed in cum.
func (g *gen) pickCum(cum []int) int {
	x := g.r.IntN(cum[len(cum)-1])
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// pick draws an index with the given weights.
func (g *gen) pick(w []int) int {
	s := 0
	for _, x := range w {
		s += x
	}
	x := g.r.IntN(s)
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }
func (g *gen) n(k int) int           { return g.r.IntN(k) }

func (g *gen) personID(i int) string {
	return string(appendPadded([]byte{'p'}, i, g.idWidth))
}

func appendPadded(b []byte, v, width int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(v), 10)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// unit is a group of people generated together: a household, namesakes,
// or one person.
type unit struct{ role, size int }

// units lays out who is in which hard case, in a shuffled order.
func (g *gen) units() []unit {
	n := g.people
	us := make([]unit, 0, n)
	used := 0
	groups := func(role int, share float64, sizes []int) {
		target := int(math.Round(share * float64(n)))
		for target >= 2 && used+2 <= n {
			size := min(2+g.pick(sizes), target, n-used)
			if target-size == 1 && size < 1+len(sizes) && size < n-used {
				size++ // rather than leave one person over
			}
			us = append(us, unit{role, size})
			used += size
			target -= size
		}
	}
	groups(caseHousehold, shareHousehold, []int{50, 30, 20})
	groups(caseTwins, shareTwins, []int{1})
	groups(caseNamesake, shareNamesake, []int{70, 30})
	groups(caseSharedEmail, shareSharedEmail, []int{70, 30})
	groups(caseSharedAddress, shareSharedAddress, []int{60, 30, 10})
	singles := func(role int, share float64) {
		k := min(int(math.Round(share*float64(n))), n-used)
		for range k {
			us = append(us, unit{role, 1})
		}
		used += k
	}
	singles(caseMaidenName, shareMaidenName)
	singles(caseMoved, shareMoved)
	singles(caseTypo, shareTypo)
	singles(caseNone, 1)
	g.r.Shuffle(len(us), func(a, b int) { us[a], us[b] = us[b], us[a] })
	return us
}

// birthYear draws an adult customer's birth year, peaking around 1971.
func (g *gen) birthYear() int {
	return 1935 + int((g.r.Float64()+g.r.Float64()+g.r.Float64())/3*72)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func (g *gen) setBirth(p *person, y int) {
	p.by = y
	p.bm = 1 + g.n(12)
	p.bd = 1 + g.n(daysIn(y, p.bm))
}

func eraBucket(y int) int {
	switch {
	case y < 1960:
		return 0
	case y < 1990:
		return 1
	}
	return 2
}

func (g *gen) pickGiven(female bool, y int) int {
	f := 0
	if female {
		f = 1
	}
	l := g.givenBy[f][eraBucket(y)]
	return l[g.n(len(l))]
}

func (g *gen) newAddress(areaIdx int) address {
	if areaIdx < 0 {
		areaIdx = g.pickCum(g.areaCum)
	}
	a := address{area: areaIdx, ban: 1 + g.n(25), gou: 1 + g.n(30), bldg: -1}
	if c := areas[areaIdx].chome; c > 0 {
		a.chome = 1 + g.n(c)
	}
	if g.chance(0.4) {
		a.bldg = g.n(2 * len(buildingPrefixes))
		a.room = (1+g.n(10))*100 + 1 + g.n(8)
	}
	return a
}

// nearAddress is an address in the same prefecture as a, or anywhere.
func (g *gen) nearAddress(a address, samePref float64) address {
	for range 10 {
		var b address
		if g.chance(samePref) {
			l := g.areasByPref[areas[a.area].pref]
			b = g.newAddress(l[g.n(len(l))])
		} else {
			b = g.newAddress(-1)
		}
		if b.area != a.area || b.chome != a.chome || b.ban != a.ban || b.gou != a.gou {
			return b
		}
	}
	return g.newAddress(-1)
}

func (g *gen) newMobile() string {
	g.mobSeq++
	// Subscriber numbers of 070/080/090 begin with 1 to 9; 0 is not issued.
	tail := 10_000_000 + (g.mobA*g.mobSeq+g.mobB)%90_000_000
	pre := [...]string{"090", "080", "070"}[g.pick([]int{50, 35, 15})]
	b := make([]byte, 0, 13)
	b = append(b, pre...)
	b = append(b, '-')
	b = appendPadded(b, int(tail/10000), 4)
	b = append(b, '-')
	b = appendPadded(b, int(tail%10000), 4)
	return string(b)
}

// newLandline returns a number in the area's 市外局番: 03-1234-5678,
// 045-123-4567, 0466-12-3456 (always ten digits, the local part starting
// with 2-9).
func (g *gen) newLandline(areaIdx int) string {
	code := areas[areaIdx].tel
	local := 10 - len(code)
	mod := uint64(math.Pow10(local - 1))
	g.telSeq++
	tail := (g.telA*g.telSeq + g.telB) % mod
	first := 2 + (g.telSeq/mod)%8
	var d [12]byte
	digits := appendPadded(append(d[:0], byte('0'+first)), int(tail), local-1)
	b := make([]byte, 0, 12)
	b = append(b, code...)
	b = append(b, '-')
	b = append(b, digits[:local-4]...)
	b = append(b, '-')
	b = append(b, digits[local-4:]...)
	return string(b)
}

// emailKey is what makes two addresses one mailbox: case, and for gmail
// the dots and the +tag, do not matter.
func emailKey(local, domain string) string {
	local = strings.ToLower(local)
	if domain == "gmail.com" {
		if i := strings.IndexByte(local, '+'); i >= 0 {
			local = local[:i]
		}
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}

// claimEmail makes local@domain unique among the generated addresses by
// appending digits, and returns it.
func (g *gen) claimEmail(local, domain string) string {
	for {
		k := emailKey(local, domain)
		if _, taken := g.emails[k]; !taken {
			g.emails[k] = struct{}{}
			return local + "@" + domain
		}
		local += strconv.Itoa(g.n(10))
	}
}

// newEmail makes a personal address from the person's name and birthday,
// the way people choose them.
func (g *gen) newEmail(p *person, fam int) string {
	md := mailDomains[g.pickCum(g.mailCum)]
	domain := md.domain
	style := [...]int{styleHepburn, styleWapuro, styleOH}[g.pick([]int{70, 20, 10})]
	fr, gr := families[fam].roma[style], givens[p.given].roma[style]
	yy := strconv.Itoa(p.by % 100)
	if len(yy) == 1 {
		yy = "0" + yy
	}
	mmdd := string(appendPadded(appendPadded(nil, p.bm, 2), p.bd, 2))
	var local string
	if domain == "" {
		if p.company < 0 {
			domain = "gmail.com"
		} else {
			domain = companies[p.company].domain
			switch g.n(4) {
			case 0:
				local = gr + "." + fr
			case 1:
				local = fr
			case 2:
				local = gr[:1] + "." + fr
			default:
				local = fr + "-" + gr
			}
			return g.claimEmail(local, domain)
		}
	}
	switch g.n(8) {
	case 0:
		local = gr + "." + fr
	case 1:
		local = fr + "." + gr
	case 2:
		local = gr + fr + yy
	case 3:
		local = gr + "_" + mmdd
	case 4:
		local = mailWords[g.n(len(mailWords))] + "." + gr
	case 5:
		local = gr[:1] + fr + strconv.Itoa(100+g.n(9900))
	case 6:
		local = gr + "-" + fr + "-" + mmdd
	default:
		local = mailWords[g.n(len(mailWords))] + "-" + mailWords[g.n(len(mailWords))] + "-" + yy
	}
	if md.carrier && g.chance(0.04) {
		// Old Japanese feature-phone addresses break RFC 5322: a.b..c@ or
		// a.b.@ were allowed and are still in customer lists.
		if i := strings.IndexAny(local, ".-_"); i > 0 && g.chance(0.5) {
			local = local[:i] + ".." + local[i+1:]
		} else {
			local += "."
		}
	}
	return g.claimEmail(local, domain)
}

// newPerson draws an independent person: name, birthday, address, phones
// and employer. The email is made by unitPeople once the name is final.
func (g *gen) newPerson(role int) person {
	p := person{role: role, maiden: -1, company: -1}
	p.female = g.chance(0.52)
	g.setBirth(&p, g.birthYear())
	p.fam = g.pickCum(g.famCum)
	p.given = g.pickGiven(p.female, p.by)
	p.addr = g.newAddress(-1)
	old := p.by < 1955
	if g.chance(0.93) || (old && g.chance(0.8)) {
		p.mobile = g.newMobile()
	}
	if p.mobile == "" || g.chance(0.25) || (old && g.chance(0.4)) {
		p.landline = g.newLandline(p.addr.area)
	}
	if g.chance(0.1) {
		p.company = g.n(len(companies))
	}
	p.wantEmail = g.chance(0.85) && (!old || g.chance(0.5))
	return p
}

// differentBirthday gives p a birthday in year y that none of others has.
func (g *gen) differentBirthday(p *person, others []person, y int) {
	for range 20 {
		g.setBirth(p, y)
		clash := false
		for i := range others {
			if &others[i] != p && others[i].by == p.by && others[i].bm == p.bm && others[i].bd == p.bd {
				clash = true
			}
		}
		if !clash {
			return
		}
	}
}

func (g *gen) distinctGiven(p *person, others []person) {
	for range 30 {
		clash := false
		for i := range others {
			if &others[i] != p && givens[others[i].given].kana == givens[p.given].kana {
				clash = true
			}
		}
		if !clash {
			return
		}
		p.given = g.pickGiven(p.female, p.by)
	}
}

func (g *gen) distinctFamily(p *person, others []person) {
	for range 30 {
		clash := false
		for i := range others {
			if &others[i] != p && families[others[i].fam].kana == families[p.fam].kana {
				clash = true
			}
		}
		if !clash {
			return
		}
		p.fam = g.pickCum(g.famCum)
	}
}

// unitPeople generates the people of one unit, with what they share.
func (g *gen) unitPeople(u unit) []person {
	ps := g.persons[:0]
	switch u.role {
	case caseHousehold, caseTwins:
		ps = g.household(ps, u)
	case caseNamesake:
		g.namesakeGroups++
		first := g.newPerson(u.role)
		if g.namesakeGroups%4 == 1 {
			// 佐藤 翔太 is the classic namesake: make sure it is common.
			first.fam, first.given, first.female = g.sato, g.shota, false
			g.setBirth(&first, 1985+g.n(21))
		}
		ps = append(ps, first)
		for range u.size - 1 {
			p := g.newPerson(u.role)
			p.fam, p.given, p.female = first.fam, first.given, first.female
			y := first.by
			for range 30 {
				y = g.birthYear()
				if givens[p.given].eras&(1<<eraBucket(y)) != 0 {
					break
				}
			}
			if first.fam == g.sato && first.given == g.shota {
				y = 1985 + g.n(21)
			}
			ps = append(ps, p)
			g.differentBirthday(&ps[len(ps)-1], ps, y)
			if g.chance(0.4) {
				// Some namesakes live in the same prefecture.
				q := &ps[len(ps)-1]
				q.addr = g.nearAddress(first.addr, 1)
				if q.landline != "" {
					q.landline = g.newLandline(q.addr.area)
				}
			}
		}
	case caseSharedEmail:
		c := g.n(len(companies))
		box := g.claimEmail(sharedMailboxes[g.n(len(sharedMailboxes))], companies[c].domain)
		for range u.size {
			p := g.newPerson(u.role)
			p.company = c
			if p.mobile == "" {
				p.mobile = g.newMobile()
			}
			p.email2, p.email2p = box, 0.7
			ps = append(ps, p)
			g.distinctFamily(&ps[len(ps)-1], ps)
		}
	case caseSharedAddress:
		a := g.newAddress(-1)
		sameRoom := g.chance(0.4)
		if a.bldg < 0 {
			a.bldg = g.n(2 * len(buildingPrefixes))
			a.room = (1+g.n(10))*100 + 1 + g.n(8)
		}
		for range u.size {
			p := g.newPerson(u.role)
			p.addr = a
			if !sameRoom {
				p.addr.room = (1+g.n(10))*100 + 1 + g.n(8)
			}
			if p.landline != "" {
				p.landline = g.newLandline(a.area)
			}
			if p.mobile == "" {
				p.mobile = g.newMobile()
			}
			ps = append(ps, p)
			g.distinctFamily(&ps[len(ps)-1], ps)
		}
	default:
		p := g.newPerson(u.role)
		switch u.role {
		case caseMaidenName:
			p.female = true
			g.setBirth(&p, 1950+g.n(46))
			p.given = g.pickGiven(true, p.by)
			p.maiden = g.pickCum(g.famCum)
			for families[p.maiden].kana == families[p.fam].kana {
				p.maiden = g.pickCum(g.famCum)
			}
			if p.mobile == "" {
				p.mobile = g.newMobile()
			}
			p.wantEmail = true
			if g.chance(0.5) {
				p.oldEmail = g.newEmail(&p, p.maiden)
			}
			if g.chance(0.5) {
				p.hasOld = true
				p.oldAddr = g.nearAddress(p.addr, 0.5)
			}
		case caseMoved:
			p.hasOld = true
			p.oldAddr = g.nearAddress(p.addr, 0.5)
			if p.mobile == "" {
				p.mobile = g.newMobile()
			}
			if p.landline != "" {
				p.oldLandline = g.newLandline(p.oldAddr.area)
			}
		}
		ps = append(ps, p)
	}
	for i := range ps {
		if ps[i].wantEmail && ps[i].email == "" {
			ps[i].email = g.newEmail(&ps[i], ps[i].fam)
		}
	}
	g.persons = ps
	return ps
}

// household generates a family (or twins) sharing a family name, an
// address, often a landline and sometimes a family email.
func (g *gen) household(ps []person, u unit) []person {
	head := g.newPerson(u.role)
	if u.role == caseTwins {
		g.setBirth(&head, 1960+g.n(56))
	} else {
		g.setBirth(&head, 1945+g.n(41))
	}
	head.given = g.pickGiven(head.female, head.by)
	if head.by > 2010 && g.chance(0.85) {
		head.mobile = ""
	}
	if head.by > 2008 {
		head.wantEmail = false
	}
	landline := ""
	if g.chance(0.7) {
		landline = g.newLandline(head.addr.area)
	}
	famEmail := ""
	if u.role == caseHousehold && g.chance(0.3) {
		fr := families[head.fam].roma[styleHepburn]
		local := [...]string{fr + "-family", fr + "ke", fr + ".home", "family." + fr}[g.n(4)]
		domain := [...]string{"gmail.com", "yahoo.co.jp", "icloud.com", "docomo.ne.jp"}[g.n(4)]
		famEmail = g.claimEmail(local, domain)
	}
	ps = append(ps, head)
	for i := 1; i < u.size; i++ {
		p := g.newPerson(u.role)
		p.fam, p.addr, p.company = head.fam, head.addr, -1
		switch {
		case u.role == caseTwins:
			p.by, p.bm, p.bd = head.by, head.bm, head.bd
		case i == 1 && g.chance(0.75): // spouse
			p.female = !head.female
			g.setBirth(&p, head.by-6+g.n(13))
		default: // child
			g.setBirth(&p, min(head.by+24+g.n(15), 2022))
		}
		p.given = g.pickGiven(p.female, p.by)
		if p.by > 2010 && g.chance(0.85) {
			p.mobile = ""
		}
		if p.by > 2008 {
			p.wantEmail = false
		}
		ps = append(ps, p)
		q := &ps[len(ps)-1]
		g.distinctGiven(q, ps)
		if u.role != caseTwins {
			g.differentBirthday(q, ps, q.by)
		}
	}
	for i := range ps {
		if ps[i].mobile == "" && landline == "" {
			landline = g.newLandline(head.addr.area)
		}
	}
	anchor := anchorAddress
	if landline != "" && g.chance(0.5) {
		anchor = anchorLandline
	}
	for i := range ps {
		ps[i].landline, ps[i].anchor = landline, anchor
		if famEmail != "" {
			ps[i].email2, ps[i].email2p = famEmail, 0.3
			if !ps[i].wantEmail {
				ps[i].email2p = 1
			}
		}
	}
	return ps
}

// records plans, checks and writes the k records of one person.
func (g *gen) records(p *person, k int, rows []Row) []Row {
	plans := g.plans[:0]
	var used [numSources]bool
	for i := range k {
		src := g.pickCum(profileCum)
		for try := 0; used[src] && try < 3 && g.chance(0.85); try++ {
			src = g.pickCum(profileCum)
		}
		old := i == 0 && (p.role == caseMaidenName || p.role == caseMoved)
		if old {
			src = [...]int{srcOldCSV, srcPOS}[g.pick([]int{60, 40})]
		}
		used[src] = true
		plans = append(plans, g.plan(p, src, old))
	}
	g.harden(p, plans)
	g.topUp(p, plans)
	for i := range plans {
		rows = append(rows, g.render(p, &plans[i]))
	}
	g.plans = plans
	return rows
}

var profileCum = cumulative(numSources, func(i int) int { return profiles[i].weight })

func (p *person) famFor(old bool) int {
	if old && p.maiden >= 0 {
		return p.maiden
	}
	return p.fam
}

func (p *person) landlineFor(old bool) string {
	if old && p.hasOld {
		return p.oldLandline
	}
	return p.landline
}

func (p *person) addrFor(old bool) address {
	if old && p.hasOld {
		return p.oldAddr
	}
	return p.addr
}

func (g *gen) pickPhone(p *person, old bool, landPref float64) string {
	land := p.landlineFor(old)
	switch {
	case p.mobile != "" && land != "":
		if g.chance(landPref) {
			return land
		}
		return p.mobile
	case p.mobile != "":
		return p.mobile
	}
	return land
}

func (g *gen) pickEmail(p *person, old bool) string {
	if old && p.oldEmail != "" {
		return p.oldEmail
	}
	if p.email2 != "" && (p.email == "" || g.chance(p.email2p)) {
		return p.email2
	}
	return p.email
}

// plan decides what one record shows.
func (g *gen) plan(p *person, src int, old bool) recPlan {
	pr := &profiles[src]
	rp := recPlan{src: src, old: old, variation: g.pick(pr.variations[:])}
	if g.chance(pr.phone) {
		rp.phone = g.pickPhone(p, old, pr.landline)
	}
	if g.chance(pr.email) {
		rp.email = g.pickEmail(p, old)
	}
	if g.chance(pr.bday) {
		rp.bday = bdayFull
	}
	if g.chance(pr.addr) {
		rp.addr, rp.postal = true, g.chance(0.85)
	} else if g.chance(pr.postalOnly) {
		rp.postal = true
	}
	rp.kana = g.chance(pr.kana)
	rp.company = p.company >= 0 && g.chance(pr.company)
	switch rp.variation {
	case caseItaiji:
		if len(families[p.famFor(old)].variants) == 0 {
			rp.variation = caseNone
		}
	case caseWareki:
		rp.bday = bdayWareki
	case caseMonthDay:
		rp.bday = bdayMonthDay
	case caseEmailVariant:
		if rp.email == "" {
			rp.email = g.pickEmail(p, old)
		}
		if rp.email == "" {
			rp.variation = caseNone
		}
	case caseHalfwidthKana:
		rp.kana = true
	case caseFullwidth:
		if rp.phone == "" && !rp.addr && !rp.postal {
			rp.phone = g.pickPhone(p, old, pr.landline)
		}
	case caseRomaji:
		rp.kana = rp.kana && g.chance(0.3)
	}
	rp.label = rp.variation
	return rp
}

// harden puts the person's hard case into the plans.
func (g *gen) harden(p *person, plans []recPlan) {
	switch p.role {
	case caseHousehold, caseTwins:
		// What makes a household hard is what its members share: show it,
		// and the household's anchor on the first record of each member.
		if p.anchor == anchorLandline {
			plans[0].phone = p.landline
		} else if !plans[0].addr {
			plans[0].addr, plans[0].postal = true, g.chance(0.85)
		}
		for i := range plans {
			rp := &plans[i]
			if (p.landline != "" && rp.phone == p.landline) || rp.addr {
				continue
			}
			if p.landline != "" && g.chance(0.5) {
				rp.phone = p.landline
			} else {
				rp.addr, rp.postal = true, g.chance(0.85)
			}
		}
	case caseSharedEmail:
		plans[0].email = p.email2
	case caseSharedAddress:
		if !plans[0].addr {
			plans[0].addr, plans[0].postal = true, g.chance(0.85)
		}
	case caseMaidenName:
		// Old record under the maiden name; the married-name record agrees
		// on given name, birthday and mobile.
		plans[0].label = caseMaidenName
		for _, i := range []int{0, 1} {
			if plans[i].bday != bdayWareki {
				plans[i].bday = bdayFull
			}
			plans[i].phone = p.mobile
			if plans[i].variation == caseMonthDay {
				plans[i].variation, plans[i].label = caseNone, caseNone
			}
		}
		plans[0].label = caseMaidenName
	case caseMoved:
		// The old record has the old address (and landline), a newer one
		// the new address; they agree on the mobile or the email.
		plans[0].label = caseMoved
		for _, i := range []int{0, 1} {
			if !plans[i].addr {
				plans[i].addr, plans[i].postal = true, g.chance(0.85)
			}
		}
		if p.email == "" || g.chance(0.6) {
			plans[0].phone, plans[1].phone = p.mobile, p.mobile
		} else {
			plans[0].email, plans[1].email = p.email, p.email
			if p.oldLandline != "" {
				plans[0].phone, plans[1].phone = p.oldLandline, p.landline
			}
		}
	case caseTypo:
		t := &plans[len(plans)-1]
		t.label, t.variation = caseTypo, caseNone
		if t.bday == bdayMonthDay {
			t.bday = bdayFull
		}
		if g.chance(0.5) {
			t.kana, t.kanaTypo = true, true
			plans[0].kana = true
			if plans[0].variation == caseRomaji || plans[0].variation == caseKanaOnly {
				plans[0].variation, plans[0].label = caseNone, caseNone
			}
		} else {
			if plans[0].phone == "" {
				plans[0].phone = g.pickPhone(p, false, 0)
			}
			t.phone, t.phoneTypo = plans[0].phone, true
		}
	}
	switch p.role {
	case caseHousehold, caseTwins, caseNamesake, caseSharedEmail, caseSharedAddress:
		for i := range plans {
			plans[i].label = p.role
		}
	}
}

// Evidence slots a record may share with another record of its person.
const (
	slotPhone = iota
	slotEmail
	slotBday
	slotAddr
	numSlots
)

// shares reports whether a and b agree on a slot.
func (p *person) shares(a, b *recPlan, slot int) bool {
	switch slot {
	case slotPhone:
		return a.phone != "" && a.phone == b.phone && !a.phoneTypo && !b.phoneTypo
	case slotEmail:
		return a.email != "" && a.email == b.email
	case slotBday:
		return (a.bday == bdayFull || a.bday == bdayWareki) && (b.bday == bdayFull || b.bday == bdayWareki)
	default:
		return a.addr && b.addr && p.addrFor(a.old) == p.addrFor(b.old)
	}
}

func (p *person) shared(a, b *recPlan) int {
	n := 0
	for s := range numSlots {
		if p.shares(a, b, s) {
			n++
		}
	}
	return n
}

// fits reports whether record b may show the value a shows in a slot.
func (p *person) fits(a, b *recPlan, slot int) bool {
	switch slot {
	case slotPhone:
		return !a.phoneTypo && a.phone != "" && (a.phone == p.mobile || a.phone == p.landlineFor(b.old))
	case slotEmail:
		if a.email == "" {
			return false
		}
		if b.old && p.oldEmail != "" {
			return a.email == p.oldEmail
		}
		return a.email == p.email || a.email == p.email2
	case slotBday:
		return a.bday == bdayFull || a.bday == bdayWareki
	default:
		return a.addr && p.addrFor(a.old) == p.addrFor(b.old)
	}
}

func empty(rp *recPlan, slot int) bool {
	switch slot {
	case slotPhone:
		return rp.phone == ""
	case slotEmail:
		return rp.email == ""
	case slotBday:
		return rp.bday == bdayNone
	default:
		return !rp.addr
	}
}

func copySlot(dst, src *recPlan, slot int) {
	switch slot {
	case slotPhone:
		dst.phone = src.phone
	case slotEmail:
		dst.email = src.email
	case slotBday:
		dst.bday = bdayFull
	default:
		dst.addr, dst.postal = true, dst.postal || src.postal
	}
}

// topUp makes every two records of the person share enough evidence: one
// of phone, email, full birthday and address, two for a typo or
// maiden-name record. It
// fills empty fields with what the other record shows, so records stay as
// sparse as their sources make them where that is enough.
func (g *gen) topUp(p *person, plans []recPlan) {
	for range 4 {
		changed := false
		for i := range plans {
			for j := i + 1; j < len(plans); j++ {
				a, b := &plans[i], &plans[j]
				need := 1
				if hardPositive(a.label) || hardPositive(b.label) {
					need = 2
				}
				for try := 0; p.shared(a, b) < need && try < 2*numSlots; try++ {
					g.link(p, a, b)
					changed = true
				}
			}
		}
		if !changed {
			return
		}
	}
}

// hardPositive reports whether a record's label makes it differ from the
// person's other records in name or contact, so that it needs more
// agreeing evidence.
func hardPositive(label int) bool { return label == caseTypo || label == caseMaidenName }

// link adds one shared slot to a and b.
func (g *gen) link(p *person, a, b *recPlan) {
	start := g.n(numSlots)
	for k := range numSlots {
		s := (start + k) % numSlots
		if p.shares(a, b, s) {
			continue
		}
		if empty(b, s) && p.fits(a, b, s) {
			copySlot(b, a, s)
			return
		}
		if empty(a, s) && p.fits(b, a, s) {
			copySlot(a, b, s)
			return
		}
	}
	// Nothing to copy: show a value both records may hold.
	for k := range numSlots {
		s := (start + k) % numSlots
		if p.shares(a, b, s) || !empty(a, s) || !empty(b, s) {
			continue
		}
		switch s {
		case slotPhone:
			if p.mobile != "" {
				a.phone, b.phone = p.mobile, p.mobile
				return
			}
		case slotEmail:
			if p.email != "" && !(a.old && p.oldEmail != "") && !(b.old && p.oldEmail != "") {
				a.email, b.email = p.email, p.email
				return
			}
		case slotBday:
			a.bday, b.bday = bdayFull, bdayFull
			return
		default:
			if p.addrFor(a.old) == p.addrFor(b.old) {
				a.addr, b.addr = true, true
				return
			}
		}
	}
	// Last resort: both give the mobile (or the birthday) even if that
	// replaces something.
	if p.mobile != "" && !a.phoneTypo && !b.phoneTypo && !(a.phone == p.mobile && b.phone == p.mobile) {
		a.phone, b.phone = p.mobile, p.mobile
		return
	}
	for _, rp := range []*recPlan{a, b} {
		if rp.bday != bdayFull && rp.bday != bdayWareki {
			rp.bday = bdayFull
			if rp.variation == caseMonthDay {
				rp.variation = caseNone
				if rp.label == caseMonthDay {
					rp.label = caseNone
				}
			}
		}
	}
}
