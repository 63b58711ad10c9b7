package calendlytest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Reference data for Generate: a fictional hair salon in Tokyo taking bookings on Calendly.

type jpName struct{ kanji, romaji string }

var familyNames = []jpName{
	{"佐藤", "Sato"}, {"鈴木", "Suzuki"}, {"高橋", "Takahashi"}, {"田中", "Tanaka"},
	{"伊藤", "Ito"}, {"渡辺", "Watanabe"}, {"山本", "Yamamoto"}, {"中村", "Nakamura"},
	{"小林", "Kobayashi"}, {"加藤", "Kato"}, {"吉田", "Yoshida"}, {"山田", "Yamada"},
	{"佐々木", "Sasaki"}, {"松本", "Matsumoto"}, {"井上", "Inoue"}, {"木村", "Kimura"},
	{"林", "Hayashi"}, {"清水", "Shimizu"}, {"森", "Mori"}, {"池田", "Ikeda"},
}

var givenNames = []jpName{
	{"美咲", "Misaki"}, {"陽菜", "Hina"}, {"結衣", "Yui"}, {"さくら", "Sakura"},
	{"愛", "Ai"}, {"花子", "Hanako"}, {"由美", "Yumi"}, {"真由美", "Mayumi"},
	{"健太", "Kenta"}, {"翔太", "Shota"}, {"大輔", "Daisuke"}, {"拓也", "Takuya"},
	{"直樹", "Naoki"}, {"恵", "Megumi"}, {"彩", "Aya"}, {"優子", "Yuko"},
}

var mailDomains = []string{"gmail.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "icloud.com", "outlook.jp", "softbank.ne.jp"}

type menu struct {
	name    string
	minutes int
	limit   int
}

var menus = []menu{
	{"カット", 60, 1}, {"カット＋カラー", 120, 1}, {"縮毛矯正", 180, 1},
	{"ヘッドスパ", 45, 1}, {"初回カウンセリング（オンライン）", 30, 1}, {"ヘアアレンジ講座", 90, 6},
}

var requests = []string{
	"カットとカラーの相談をしたいです",
	"前回と同じ感じでお願いします",
	"肩くらいまで短くしたいです",
	"白髪が気になるので明るめのカラーにしたいです",
	"くせ毛で広がりやすいのが悩みです",
	"特になし",
	"子供を連れて行っても大丈夫ですか？",
	"",
}

var referrals = []string{"Instagram", "ホットペッパー", "友人の紹介", "Google マップ", "通りがかり"}

var cancelReasons = []string{"体調不良のため", "仕事の都合がつかなくなりました", "日程を変更したいです", "", "子供が熱を出してしまいました"}

type person struct {
	family, given jpName
	email, phone  string
}

// Generate fills the fake with a deterministic account: n events from start over about
// three months (salon hours, JST), each with invitees who are Japanese customers, some
// of them booking again (same e-mail, sometimes a different name spelling). About 8% of
// events are canceled. It returns the number of invitees added.
func (s *Server) Generate(seed uint64, n int, start time.Time) int {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	jst := time.FixedZone("JST", 9*3600)
	day0 := time.Date(start.In(jst).Year(), start.In(jst).Month(), start.In(jst).Day(), 0, 0, 0, 0, jst)
	people := make([]person, max(n/2, 1))
	for i := range people {
		f, g := familyNames[rng.IntN(len(familyNames))], givenNames[rng.IntN(len(givenNames))]
		local := strings.ToLower(g.romaji + []string{".", "_", ""}[rng.IntN(3)] + f.romaji)
		if rng.IntN(3) == 0 {
			local += fmt.Sprint(rng.IntN(99) + 1)
		}
		p := person{family: f, given: g, email: fmt.Sprintf("%s@%s", local, mailDomains[rng.IntN(len(mailDomains))])}
		if rng.IntN(5) != 0 {
			p.phone = fmt.Sprintf("+81 %d0-%04d-%04d", 7+rng.IntN(3), rng.IntN(10000), rng.IntN(10000))
		}
		people[i] = p
	}
	total := 0
	for i := range n {
		m := menus[rng.IntN(len(menus))]
		day := day0.AddDate(0, 0, i*90/max(n, 1))
		st := day.Add(time.Duration(10*60+rng.IntN(16)*30) * time.Minute) // 10:00–17:30
		created := st.Add(-time.Duration(1+rng.IntN(21*24)) * time.Hour)
		ev := Event{
			UUID: fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&0xffffffffffff),
			Name: m.name, StartTime: st, EndTime: st.Add(time.Duration(m.minutes) * time.Minute),
			InviteesLimit: m.limit, CreatedAt: created, UpdatedAt: created,
		}
		if strings.Contains(m.name, "オンライン") {
			ev.Location = Location{Type: "zoom", JoinURL: fmt.Sprintf("https://us02web.zoom.us/j/%d", 80000000000+rng.Int64N(9999999999))}
		}
		uuid := s.AddEvent(ev)
		k := 1
		if m.limit > 1 {
			k = 1 + rng.IntN(m.limit-1)
		}
		canceled := rng.IntN(100) < 8
		for j := range k {
			p := people[rng.IntN(len(people))]
			inv := Invitee{
				Email: p.email, Timezone: "Asia/Tokyo", TextReminderNumber: p.phone,
				CreatedAt: created.Add(time.Duration(j) * time.Hour), UpdatedAt: created.Add(time.Duration(j) * time.Hour),
			}
			switch rng.IntN(5) {
			case 0: // separate fields on the form
				inv.FirstName, inv.LastName = p.given.kanji, p.family.kanji
				inv.Name = p.family.kanji + " " + p.given.kanji
			case 1:
				inv.Name = p.family.kanji + p.given.kanji
			case 2:
				inv.Name = p.given.romaji + " " + p.family.romaji
			case 3:
				inv.Name = strings.ToUpper(p.family.romaji) + " " + p.given.romaji
			default:
				inv.Name = p.family.kanji + "　" + p.given.kanji // full-width space
			}
			inv.QuestionsAndAnswers = []QA{
				{Question: "ご要望・ご相談内容", Answer: requests[rng.IntN(len(requests))], Position: 0},
				{Question: "当店を知ったきっかけ", Answer: referrals[rng.IntN(len(referrals))], Position: 1},
			}
			if p.phone != "" && rng.IntN(2) == 0 {
				inv.QuestionsAndAnswers = append(inv.QuestionsAndAnswers, QA{Question: "電話番号", Answer: "0" + strings.ReplaceAll(p.phone[4:], " ", ""), Position: 2})
			}
			if i > 0 && rng.IntN(20) == 0 {
				inv.Rescheduled = true
			}
			if !canceled && st.Before(day0.AddDate(0, 0, 90)) && rng.IntN(40) == 0 {
				ns := ev.EndTime
				inv.NoShow = &ns
			}
			if canceled {
				at := created.Add(time.Duration(1+rng.IntN(24)) * time.Hour)
				inv.Status, inv.UpdatedAt = "canceled", at
				inv.Cancellation = &Cancellation{CanceledBy: inv.Name, Reason: cancelReasons[rng.IntN(len(cancelReasons))], CancelerType: "invitee", CreatedAt: at}
			}
			s.AddInvitee(uuid, inv)
			total++
		}
		if canceled {
			invs := s.Invitees(uuid)
			ev.UUID = uuid
			ev.Status = "canceled"
			ev.Cancellation = invs[0].Cancellation
			ev.UpdatedAt = invs[len(invs)-1].UpdatedAt
			s.AddEvent(ev)
		}
	}
	return total
}
