package mailchimptest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Generated describes what Generate added.
type Generated struct {
	ListID      string
	Emails      []string // every member's e-mail, in creation order
	CampaignIDs []string // in send order
}

type jpName struct{ family, given, familyRomaji, givenRomaji string }

var jpFamilies = []jpName{
	{"佐藤", "", "Sato", ""}, {"鈴木", "", "Suzuki", ""}, {"高橋", "", "Takahashi", ""},
	{"髙橋", "", "Takahashi", ""}, {"田中", "", "Tanaka", ""}, {"伊藤", "", "Ito", ""},
	{"渡辺", "", "Watanabe", ""}, {"山本", "", "Yamamoto", ""}, {"中村", "", "Nakamura", ""},
	{"小林", "", "Kobayashi", ""}, {"加藤", "", "Kato", ""}, {"吉田", "", "Yoshida", ""},
	{"齋藤", "", "Saito", ""}, {"大野", "", "Ohno", ""}, {"松本", "", "Matsumoto", ""},
}

var jpGivens = []jpName{
	{"", "健太", "", "Kenta"}, {"", "翔太", "", "Shota"}, {"", "大輔", "", "Daisuke"},
	{"", "陽菜", "", "Hina"}, {"", "美咲", "", "Misaki"}, {"", "さくら", "", "Sakura"},
	{"", "優子", "", "Yuko"}, {"", "裕子", "", "Yuko"}, {"", "拓也", "", "Takuya"},
	{"", "恵", "", "Megumi"}, {"", "亮", "", "Ryo"}, {"", "結衣", "", "Yui"},
	{"", "浩二", "", "Koji"}, {"", "直樹", "", "Naoki"}, {"", "愛", "", "Ai"},
}

var jpAddresses = []Address{
	{"神南1-2-3", "", "渋谷区", "東京都", "150-0041", "JP"},
	{"梅田2-4-9", "ブリーゼタワー5F", "大阪市北区", "大阪府", "530-0001", "JP"},
	{"栄3-5-12", "", "名古屋市中区", "愛知県", "460-0008", "JP"},
	{"中央区北一条西2-1", "", "札幌市", "北海道", "060-0001", "JP"},
	{"天神1-11-1", "", "福岡市中央区", "福岡県", "810-0001", "JP"},
	{"Minami-Aoyama 5-1-1", "Apt 302", "Minato-ku", "Tokyo", "107-0062", "JP"},
}

var jpTags = []string{"VIP", "オンライン購入", "店舗会員", "イベント参加", "wholesale"}

var jpDomains = []string{"gmail.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "icloud.com", "example.co.jp"}

// Generate fills the server with a deterministic audience of a fictional Japanese shop:
// one list, members Japanese customers with names as shops write them (kanji family and
// given names in LNAME/FNAME, romaji in either case order, the whole name in FNAME, or
// none), +81 phones in several formats, some addresses and birthdays, tags, and the
// statuses real lists have (~85% subscribed, unsubscribed, cleaned, pending,
// transactional); then weekly sent campaigns from start with opens, clicks and bounces.
// Signups are spread over the year before start; last_changed between signup and start.
func (s *Server) Generate(seed int64, members, campaigns int, start time.Time) Generated {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6d61696c))
	start = start.UTC().Truncate(time.Second)
	list := s.AddList(List{ID: DefaultListID, Name: "ナヨセ珈琲 ニュースレター", DateCreated: start.AddDate(-1, 0, 0)})
	g := Generated{ListID: list.ID}

	ms := make([]Member, 0, members)
	for i := range members {
		fam := jpFamilies[rng.IntN(len(jpFamilies))]
		giv := jpGivens[rng.IntN(len(jpGivens))]
		var mf MergeFields
		switch k := rng.IntN(10); {
		case k < 4: // kanji, as entered on a Japanese form
			mf.LNAME, mf.FNAME = fam.family, giv.given
		case k < 6: // romaji, Western order
			mf.FNAME, mf.LNAME = giv.givenRomaji, fam.familyRomaji
		case k < 7: // romaji, family name upper-case
			mf.FNAME, mf.LNAME = giv.givenRomaji, strings.ToUpper(fam.familyRomaji)
		case k < 8: // whole name in FNAME
			mf.FNAME = fam.family + " " + giv.given
		case k < 9: // fields swapped
			mf.FNAME, mf.LNAME = fam.family, giv.given
		default: // no name
		}
		local := strings.ToLower(giv.givenRomaji + "." + fam.familyRomaji)
		if rng.IntN(3) == 0 {
			local = strings.ToLower(giv.givenRomaji[:1] + fam.familyRomaji)
		}
		email := fmt.Sprintf("%s%d@%s", local, i, jpDomains[rng.IntN(len(jpDomains))])
		if rng.IntN(20) == 0 {
			email = strings.ToUpper(email[:1]) + email[1:] // mixed case: the hash lower-cases
		}
		mf.PHONE = jpPhone(rng)
		if rng.IntN(3) == 0 {
			a := jpAddresses[rng.IntN(len(jpAddresses))]
			mf.ADDRESS = &a
		}
		if rng.IntN(3) == 0 {
			mf.BIRTHDAY = fmt.Sprintf("%02d/%02d", 1+rng.IntN(12), 1+rng.IntN(28))
		}
		status := StatusSubscribed
		switch k := rng.IntN(100); {
		case k < 8:
			status = StatusUnsubscribed
		case k < 11:
			status = StatusCleaned
		case k < 13:
			status = StatusPending
		case k < 15:
			status = StatusTransactional
		}
		signup := start.Add(-time.Duration(1+rng.Int64N(365*24*3600)) * time.Second)
		changed := signup.Add(time.Duration(rng.Int64N(int64(start.Sub(signup)/time.Second)+1)) * time.Second)
		var tags []Tag
		for j, name := range jpTags {
			if rng.IntN(6) == 0 {
				tags = append(tags, Tag{ID: 1001 + j, Name: name})
			}
		}
		lang := "ja"
		if mf.LNAME != "" && mf.LNAME == strings.ToUpper(mf.LNAME) && rng.IntN(2) == 0 {
			lang = "en"
		}
		ms = append(ms, Member{
			ListID: list.ID, EmailAddress: email, Status: status, MergeFields: mf,
			TimestampSignup: signup, TimestampOpt: signup.Add(time.Duration(rng.IntN(600)) * time.Second),
			LastChanged: changed, Tags: tags, Language: lang,
			Location: Location{CountryCode: "JP", Timezone: "Asia/Tokyo"},
		})
		g.Emails = append(g.Emails, email)
	}
	s.AddMembers(ms...)

	subjects := []string{"新豆入荷のお知らせ", "【期間限定】秋のブレンド", "ワークショップ開催", "送料無料キャンペーン", "年末年始の営業について"}
	links := []string{"https://shop.example.jp/beans", "https://shop.example.jp/workshop", "https://shop.example.jp/sale"}
	for i := range campaigns {
		sent := start.Add(time.Duration(i)*7*24*time.Hour + 10*time.Hour)
		subj := subjects[i%len(subjects)]
		c := s.AddCampaign(Campaign{
			ListID: list.ID, SubjectLine: subj, Title: fmt.Sprintf("%s #%d", subj, i+1),
			CreateTime: sent.Add(-48 * time.Hour), SendTime: sent,
		})
		g.CampaignIDs = append(g.CampaignIDs, c.ID)
		s.mu.Lock()
		for _, m := range ms {
			if m.Status != StatusSubscribed {
				continue
			}
			act := func(action string, after time.Duration, url string) {
				s.addActivityLocked(Activity{CampaignID: c.ID, EmailAddress: m.EmailAddress, Action: action,
					Timestamp: sent.Add(after).Truncate(time.Second), URL: url, IP: fakeIP(m.EmailAddress)})
			}
			switch k := rng.IntN(100); {
			case k < 1:
				act(ActionBounce, time.Duration(rng.IntN(300))*time.Second, "")
			case k < 35:
				at := time.Duration(rng.Int64N(int64(72 * time.Hour)))
				act(ActionOpen, at, "")
				if rng.IntN(3) == 0 {
					act(ActionClick, at+time.Duration(rng.IntN(600))*time.Second, links[rng.IntN(len(links))])
				}
			}
		}
		s.mu.Unlock()
	}
	return g
}

func jpPhone(rng *rand.Rand) string {
	prefix := []string{"090", "080", "070"}[rng.IntN(3)]
	a, b := rng.IntN(10000), rng.IntN(10000)
	switch rng.IntN(7) {
	case 0:
		return fmt.Sprintf("%s-%04d-%04d", prefix, a, b)
	case 1:
		return fmt.Sprintf("%s%04d%04d", prefix, a, b)
	case 2:
		return fmt.Sprintf("+81 %s-%04d-%04d", prefix[1:], a, b)
	case 3:
		return fmt.Sprintf("+81%s%04d%04d", prefix[1:], a, b)
	case 4:
		return fmt.Sprintf("03-%04d-%04d", a, b) // Tokyo landline
	case 5:
		return fmt.Sprintf("０９０－%04d－%04d", a, b) // full-width separators, as typed on a phone
	}
	return ""
}
