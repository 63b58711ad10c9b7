package squaretest

// Reference tables for Generate: how a Japanese coffee roaster's Square account looks.
// The shop, its products and its addresses are fictional.

type jpName struct {
	kanji, kana, romaji string
	alt                 string   // another romanization people type (long vowels)
	variants            []string // itaiji people register instead of the common kanji
}

var familyNames = []jpName{
	{"佐藤", "サトウ", "Sato", "Satou", nil},
	{"鈴木", "スズキ", "Suzuki", "", nil},
	{"高橋", "タカハシ", "Takahashi", "", []string{"髙橋"}},
	{"田中", "タナカ", "Tanaka", "", nil},
	{"伊藤", "イトウ", "Ito", "Itou", nil},
	{"渡辺", "ワタナベ", "Watanabe", "", []string{"渡邊", "渡邉"}},
	{"山本", "ヤマモト", "Yamamoto", "", nil},
	{"中村", "ナカムラ", "Nakamura", "", nil},
	{"小林", "コバヤシ", "Kobayashi", "", nil},
	{"加藤", "カトウ", "Kato", "Katou", nil},
	{"吉田", "ヨシダ", "Yoshida", "", nil},
	{"山田", "ヤマダ", "Yamada", "", nil},
	{"佐々木", "ササキ", "Sasaki", "", nil},
	{"山口", "ヤマグチ", "Yamaguchi", "", nil},
	{"松本", "マツモト", "Matsumoto", "", nil},
	{"井上", "イノウエ", "Inoue", "", nil},
	{"木村", "キムラ", "Kimura", "", nil},
	{"林", "ハヤシ", "Hayashi", "", nil},
	{"斎藤", "サイトウ", "Saito", "Saitou", []string{"齋藤", "斉藤"}},
	{"清水", "シミズ", "Shimizu", "", nil},
	{"山崎", "ヤマザキ", "Yamazaki", "", []string{"山﨑"}},
	{"森", "モリ", "Mori", "", nil},
	{"池田", "イケダ", "Ikeda", "", nil},
	{"橋本", "ハシモト", "Hashimoto", "", nil},
	{"阿部", "アベ", "Abe", "", nil},
	{"石川", "イシカワ", "Ishikawa", "", nil},
	{"前田", "マエダ", "Maeda", "", nil},
	{"藤田", "フジタ", "Fujita", "", nil},
	{"小川", "オガワ", "Ogawa", "", nil},
	{"岡田", "オカダ", "Okada", "", nil},
	{"後藤", "ゴトウ", "Goto", "Gotou", nil},
	{"長谷川", "ハセガワ", "Hasegawa", "", nil},
	{"村上", "ムラカミ", "Murakami", "", nil},
	{"近藤", "コンドウ", "Kondo", "Kondou", nil},
	{"石井", "イシイ", "Ishii", "", nil},
	{"坂本", "サカモト", "Sakamoto", "", nil},
	{"遠藤", "エンドウ", "Endo", "Endou", nil},
	{"青木", "アオキ", "Aoki", "", nil},
	{"藤井", "フジイ", "Fujii", "", nil},
	{"西村", "ニシムラ", "Nishimura", "", nil},
	{"太田", "オオタ", "Ota", "Ohta", nil},
	{"松田", "マツダ", "Matsuda", "", nil},
	{"原田", "ハラダ", "Harada", "", nil},
	{"中島", "ナカジマ", "Nakajima", "", []string{"中嶋"}},
	{"小野", "オノ", "Ono", "Ohno", nil},
}

type givenName struct {
	jpName
	female bool
}

var givenNames = []givenName{
	{jpName{"翔太", "ショウタ", "Shota", "Shouta", nil}, false},
	{jpName{"健太", "ケンタ", "Kenta", "", nil}, false},
	{jpName{"大輔", "ダイスケ", "Daisuke", "", nil}, false},
	{jpName{"拓也", "タクヤ", "Takuya", "", nil}, false},
	{jpName{"直樹", "ナオキ", "Naoki", "", nil}, false},
	{jpName{"亮", "リョウ", "Ryo", "Ryou", nil}, false},
	{jpName{"誠", "マコト", "Makoto", "", nil}, false},
	{jpName{"隆", "タカシ", "Takashi", "", nil}, false},
	{jpName{"浩二", "コウジ", "Koji", "Kouji", nil}, false},
	{jpName{"蓮", "レン", "Ren", "", nil}, false},
	{jpName{"悠真", "ユウマ", "Yuma", "Yuuma", nil}, false},
	{jpName{"陽翔", "ハルト", "Haruto", "", nil}, false},
	{jpName{"湊", "ミナト", "Minato", "", nil}, false},
	{jpName{"大翔", "ヒロト", "Hiroto", "", nil}, false},
	{jpName{"和也", "カズヤ", "Kazuya", "", nil}, false},
	{jpName{"健一", "ケンイチ", "Kenichi", "Ken'ichi", nil}, false},
	{jpName{"修", "オサム", "Osamu", "", nil}, false},
	{jpName{"剛", "ツヨシ", "Tsuyoshi", "", nil}, false},
	{jpName{"陽子", "ヨウコ", "Yoko", "Youko", nil}, true},
	{jpName{"恵子", "ケイコ", "Keiko", "", nil}, true},
	{jpName{"美咲", "ミサキ", "Misaki", "", nil}, true},
	{jpName{"愛", "アイ", "Ai", "", nil}, true},
	{jpName{"結衣", "ユイ", "Yui", "", nil}, true},
	{jpName{"さくら", "サクラ", "Sakura", "", nil}, true},
	{jpName{"花子", "ハナコ", "Hanako", "", nil}, true},
	{jpName{"由美", "ユミ", "Yumi", "", nil}, true},
	{jpName{"真由美", "マユミ", "Mayumi", "", nil}, true},
	{jpName{"明美", "アケミ", "Akemi", "", nil}, true},
	{jpName{"陽菜", "ヒナ", "Hina", "", nil}, true},
	{jpName{"凛", "リン", "Rin", "", nil}, true},
	{jpName{"葵", "アオイ", "Aoi", "", nil}, true},
	{jpName{"美穂", "ミホ", "Miho", "", nil}, true},
	{jpName{"奈々", "ナナ", "Nana", "", nil}, true},
	{jpName{"智子", "トモコ", "Tomoko", "", nil}, true},
	{jpName{"裕子", "ユウコ", "Yuko", "Yuuko", nil}, true},
	{jpName{"千尋", "チヒロ", "Chihiro", "", nil}, true},
	{jpName{"彩", "アヤ", "Aya", "", nil}, true},
	{jpName{"舞", "マイ", "Mai", "", nil}, true},
}

// westernName: display spelling, katakana as a Japanese clerk would type it, ASCII for
// e-mail addresses.
type westernName struct{ display, kana, ascii string }

var westernGiven = []westernName{
	{"Emily", "エミリー", "emily"}, {"James", "ジェームズ", "james"}, {"Olivia", "オリビア", "olivia"},
	{"Michael", "マイケル", "michael"}, {"Sophie", "ソフィー", "sophie"}, {"Daniel", "ダニエル", "daniel"},
	{"Emma", "エマ", "emma"}, {"Thomas", "トーマス", "thomas"}, {"Chloé", "クロエ", "chloe"},
	{"Lucas", "ルーカス", "lucas"}, {"Hannah", "ハンナ", "hannah"}, {"David", "デイビッド", "david"},
	{"Sarah", "サラ", "sarah"}, {"Chris", "クリス", "chris"}, {"Anna", "アンナ", "anna"},
	{"Mark", "マーク", "mark"}, {"Laura", "ローラ", "laura"}, {"Ben", "ベン", "ben"},
	{"Jessica", "ジェシカ", "jessica"}, {"Ryan", "ライアン", "ryan"},
}

var westernFamily = []westernName{
	{"Smith", "スミス", "smith"}, {"Johnson", "ジョンソン", "johnson"}, {"Brown", "ブラウン", "brown"},
	{"Wilson", "ウィルソン", "wilson"}, {"Taylor", "テイラー", "taylor"}, {"Anderson", "アンダーソン", "anderson"},
	{"Martin", "マーティン", "martin"}, {"Thompson", "トンプソン", "thompson"}, {"Garcia", "ガルシア", "garcia"},
	{"Miller", "ミラー", "miller"}, {"Davis", "デイビス", "davis"}, {"Clarke", "クラーク", "clarke"},
	{"Müller", "ミュラー", "mueller"}, {"Dubois", "デュボワ", "dubois"}, {"Rossi", "ロッシ", "rossi"},
	{"Kim", "キム", "kim"}, {"Lee", "リー", "lee"}, {"Chen", "チェン", "chen"}, {"Wang", "ワン", "wang"},
	{"Nguyen", "グエン", "nguyen"}, {"O'Brien", "オブライエン", "obrien"},
}

type jpAddress struct {
	pref, city, town, postal string
}

var jpAddresses = []jpAddress{
	{"東京都", "渋谷区", "神宮前", "150-0001"},
	{"東京都", "新宿区", "西新宿", "160-0023"},
	{"東京都", "世田谷区", "三軒茶屋", "154-0024"},
	{"東京都", "港区", "六本木", "106-0032"},
	{"東京都", "目黒区", "自由が丘", "152-0035"},
	{"東京都", "杉並区", "高円寺南", "166-0003"},
	{"神奈川県", "横浜市中区", "山下町", "231-0023"},
	{"神奈川県", "川崎市中原区", "小杉町", "211-0063"},
	{"埼玉県", "さいたま市大宮区", "桜木町", "330-0854"},
	{"千葉県", "千葉市中央区", "富士見", "260-0015"},
	{"大阪府", "大阪市北区", "梅田", "530-0001"},
	{"大阪府", "大阪市中央区", "難波", "542-0076"},
	{"京都府", "京都市中京区", "河原町通", "604-8005"},
	{"兵庫県", "神戸市中央区", "三宮町", "650-0021"},
	{"愛知県", "名古屋市中区", "栄", "460-0008"},
	{"福岡県", "福岡市中央区", "天神", "810-0001"},
	{"北海道", "札幌市中央区", "北一条西", "060-0001"},
	{"宮城県", "仙台市青葉区", "中央", "980-0021"},
}

var buildings = []string{"メゾン青山", "グランドハイツ", "コーポ桜", "パークサイド", "レジデンス栄", "ハイム緑町", "Tower Residence"}

var companies = []string{
	"株式会社ミナトデザイン", "合同会社サクラ企画", "有限会社山田商店", "(株)青葉コーポレーション",
	"株式会社 東京ベーカリー", "Blue Harbor Trading K.K.", "一般社団法人まちづくり協会",
}

var customerNotes = []string{
	"アレルギー: ナッツ", "領収書は会社名で", "常連さん。深煎り好み", "ギフト用の包装希望",
	"Prefers English", "配送は午前中希望", "豆は中挽きで",
}

var nicknames = []string{"けんちゃん", "Ken", "マミ", "よっちゃん", "Sacchan", "ゆうゆう", "たっくん"}

var emailDomains = []string{
	"gmail.com", "gmail.com", "gmail.com", "yahoo.co.jp", "yahoo.co.jp", "icloud.com", "icloud.com",
	"docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp", "outlook.jp", "hotmail.co.jp",
}

var creationSources = []string{
	"DIRECTORY", "DIRECTORY", "DIRECTORY", "INSTANT_PROFILE", "INSTANT_PROFILE", "THIRD_PARTY",
	"ONLINE_STORE", "APPOINTMENTS", "LOYALTY", "IMPORT",
}

type product struct {
	name, variation, catalogID string
	price                      int64
}

var products = []product{
	{"ブレンドコーヒー", "レギュラー", "YQT82S2M06KNCQKMNCVPTM9T", 480},
	{"ブレンドコーヒー", "ラージ", "QGZ9XRD33SDPE3FFSBRS7WGC", 580},
	{"カフェラテ", "レギュラー", "FP9829HWHSTA7WNYAVN5RBVK", 550},
	{"抹茶ラテ", "レギュラー", "G64G7GR4B15Y4KM34XQ1CQ84", 600},
	{"アイスコーヒー", "レギュラー", "PEG9PJ6C8ASB3S361TC1VREN", 500},
	{"チーズケーキ", "", "NZBW0J653MNTZ83Q5R0R1441", 520},
	{"クロワッサン", "", "P14J5JMS3CPPGG2CAQ42ZD3C", 320},
	{"季節のタルト", "", "Y7AMF6V33S1YPTYGS7KWCHZH", 680},
	{"サンドイッチ", "ハム&チーズ", "TVT8GX3JHBKNFFQ80VR5N5CY", 780},
	{"コーヒー豆 エチオピア", "200g", "YA963GFCKMGS47HA0RXX5ETH", 1800},
	{"コーヒー豆 ブラジル", "200g", "YWGTAHD6JT25N2P90BGBPMQF", 1500},
	{"コーヒー豆 ハウスブレンド", "500g", "47S7FSEJ9N4B3CFNP1S7DXT1", 3200},
	{"ドリップバッグ", "5個入り", "XT1XJ60VEWCTF6B01P4WPTZ9", 1200},
	{"マグカップ", "", "D57Z4GNSAN9HH5SPZ1SKS9AB", 2400},
	{"ギフトセット", "", "TJEYYCZ2SK02ZPXDC327S5NN", 3800},
	{"トートバッグ", "", "V2357Q0FPWZNWW2A4T2QKQD1", 2200},
}

var bookingServices = []struct {
	name    string
	minutes int
}{{"ハンドドリップ入門", 90}, {"焙煎体験", 120}, {"カッピング会", 60}, {"ラテアート講座", 90}}

var quantities = [...]string{"0", "1", "2", "3", "4", "5", "6"}
