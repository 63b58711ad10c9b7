package eval

// Tables behind the Japanese generator. They are filled once at package
// initialisation and never written afterwards.

// family is a family name. Weight is roughly the number of bearers in
// thousands (rank order as in the usual surname surveys); variants are
// itaiji spellings that registers and old ledgers use for the same name.
type family struct {
	kanji    string
	kana     string // katakana
	weight   int
	variants []string
	// romaji overrides the reading-derived romanisation when the kana
	// misleads the long-vowel rule (井上 is Inoue, not Inoe).
	romaji string

	hira, half string    // derived: hiragana, half-width katakana
	roma       [4]string // derived: lower-case romaji per romajiStyle
}

var families = []family{
	{kanji: "佐藤", kana: "サトウ", weight: 1870},
	{kanji: "鈴木", kana: "スズキ", weight: 1790},
	{kanji: "高橋", kana: "タカハシ", weight: 1410, variants: []string{"髙橋"}},
	{kanji: "田中", kana: "タナカ", weight: 1340},
	{kanji: "伊藤", kana: "イトウ", weight: 1080},
	{kanji: "渡辺", kana: "ワタナベ", weight: 1070, variants: []string{"渡邊", "渡邉"}},
	{kanji: "山本", kana: "ヤマモト", weight: 1070},
	{kanji: "中村", kana: "ナカムラ", weight: 1050},
	{kanji: "小林", kana: "コバヤシ", weight: 1020},
	{kanji: "加藤", kana: "カトウ", weight: 890},
	{kanji: "吉田", kana: "ヨシダ", weight: 830, variants: []string{"𠮷田"}},
	{kanji: "山田", kana: "ヤマダ", weight: 810},
	{kanji: "佐々木", kana: "ササキ", weight: 670},
	{kanji: "山口", kana: "ヤマグチ", weight: 640},
	{kanji: "松本", kana: "マツモト", weight: 630},
	{kanji: "井上", kana: "イノウエ", weight: 610, romaji: "inoue"},
	{kanji: "木村", kana: "キムラ", weight: 570},
	{kanji: "林", kana: "ハヤシ", weight: 530},
	{kanji: "斎藤", kana: "サイトウ", weight: 520, variants: []string{"齋藤", "齊藤"}},
	{kanji: "清水", kana: "シミズ", weight: 520},
	{kanji: "山崎", kana: "ヤマザキ", weight: 480, variants: []string{"山﨑"}},
	{kanji: "森", kana: "モリ", weight: 460},
	{kanji: "池田", kana: "イケダ", weight: 440},
	{kanji: "橋本", kana: "ハシモト", weight: 440},
	{kanji: "阿部", kana: "アベ", weight: 440},
	{kanji: "石川", kana: "イシカワ", weight: 430},
	{kanji: "山下", kana: "ヤマシタ", weight: 420},
	{kanji: "中島", kana: "ナカジマ", weight: 410, variants: []string{"中嶋"}},
	{kanji: "石井", kana: "イシイ", weight: 400},
	{kanji: "小川", kana: "オガワ", weight: 400},
	{kanji: "前田", kana: "マエダ", weight: 390},
	{kanji: "岡田", kana: "オカダ", weight: 390},
	{kanji: "長谷川", kana: "ハセガワ", weight: 380},
	{kanji: "藤田", kana: "フジタ", weight: 370},
	{kanji: "後藤", kana: "ゴトウ", weight: 370},
	{kanji: "近藤", kana: "コンドウ", weight: 360},
	{kanji: "村上", kana: "ムラカミ", weight: 360},
	{kanji: "遠藤", kana: "エンドウ", weight: 330},
	{kanji: "青木", kana: "アオキ", weight: 330},
	{kanji: "坂本", kana: "サカモト", weight: 320},
	{kanji: "斉藤", kana: "サイトウ", weight: 320, variants: []string{"齊藤"}},
	{kanji: "福田", kana: "フクダ", weight: 310},
	{kanji: "太田", kana: "オオタ", weight: 310},
	{kanji: "西村", kana: "ニシムラ", weight: 300},
	{kanji: "藤井", kana: "フジイ", weight: 300},
	{kanji: "金子", kana: "カネコ", weight: 290},
	{kanji: "岡本", kana: "オカモト", weight: 290},
	{kanji: "藤原", kana: "フジワラ", weight: 290},
	{kanji: "中野", kana: "ナカノ", weight: 290},
	{kanji: "三浦", kana: "ミウラ", weight: 280},
	{kanji: "原田", kana: "ハラダ", weight: 280},
	{kanji: "中川", kana: "ナカガワ", weight: 280},
	{kanji: "松田", kana: "マツダ", weight: 280},
	{kanji: "竹内", kana: "タケウチ", weight: 270},
	{kanji: "小野", kana: "オノ", weight: 270},
	{kanji: "田村", kana: "タムラ", weight: 270},
	{kanji: "中山", kana: "ナカヤマ", weight: 260},
	{kanji: "和田", kana: "ワダ", weight: 260},
	{kanji: "石田", kana: "イシダ", weight: 250},
	{kanji: "森田", kana: "モリタ", weight: 250},
	{kanji: "上田", kana: "ウエダ", weight: 250},
	{kanji: "原", kana: "ハラ", weight: 250},
	{kanji: "柴田", kana: "シバタ", weight: 240},
	{kanji: "酒井", kana: "サカイ", weight: 240},
	{kanji: "工藤", kana: "クドウ", weight: 240},
	{kanji: "横山", kana: "ヨコヤマ", weight: 240},
	{kanji: "宮崎", kana: "ミヤザキ", weight: 230, variants: []string{"宮﨑"}},
	{kanji: "宮本", kana: "ミヤモト", weight: 230},
	{kanji: "内田", kana: "ウチダ", weight: 230},
	{kanji: "高木", kana: "タカギ", weight: 220, variants: []string{"髙木"}},
	{kanji: "安藤", kana: "アンドウ", weight: 220},
	{kanji: "島田", kana: "シマダ", weight: 210, variants: []string{"嶋田"}},
	{kanji: "谷口", kana: "タニグチ", weight: 210},
	{kanji: "大野", kana: "オオノ", weight: 210},
	{kanji: "丸山", kana: "マルヤマ", weight: 210},
	{kanji: "今井", kana: "イマイ", weight: 210},
	{kanji: "高田", kana: "タカダ", weight: 200, variants: []string{"髙田"}},
	{kanji: "藤本", kana: "フジモト", weight: 200},
	{kanji: "河野", kana: "コウノ", weight: 200},
	{kanji: "小島", kana: "コジマ", weight: 200, variants: []string{"小嶋"}},
	{kanji: "村田", kana: "ムラタ", weight: 200},
	{kanji: "武田", kana: "タケダ", weight: 200},
	{kanji: "上野", kana: "ウエノ", weight: 190},
	{kanji: "杉山", kana: "スギヤマ", weight: 190},
	{kanji: "増田", kana: "マスダ", weight: 190},
	{kanji: "平野", kana: "ヒラノ", weight: 180},
	{kanji: "大塚", kana: "オオツカ", weight: 180},
	{kanji: "千葉", kana: "チバ", weight: 180},
	{kanji: "久保", kana: "クボ", weight: 180},
	{kanji: "松井", kana: "マツイ", weight: 180},
	{kanji: "岩崎", kana: "イワサキ", weight: 175, variants: []string{"岩﨑"}},
	{kanji: "桜井", kana: "サクライ", weight: 170, variants: []string{"櫻井"}},
	{kanji: "野口", kana: "ノグチ", weight: 170},
	{kanji: "野村", kana: "ノムラ", weight: 170},
	{kanji: "木下", kana: "キノシタ", weight: 170},
	{kanji: "菊地", kana: "キクチ", weight: 165},
	{kanji: "新井", kana: "アライ", weight: 160},
	{kanji: "菅原", kana: "スガワラ", weight: 140},
	{kanji: "浜田", kana: "ハマダ", weight: 140, variants: []string{"濱田"}},
	{kanji: "市川", kana: "イチカワ", weight: 140},
	{kanji: "渡部", kana: "ワタナベ", weight: 130},
	{kanji: "服部", kana: "ハットリ", weight: 120},
	{kanji: "本田", kana: "ホンダ", weight: 120},
	{kanji: "吉川", kana: "ヨシカワ", weight: 110},
	{kanji: "沢田", kana: "サワダ", weight: 100, variants: []string{"澤田"}},
	{kanji: "関", kana: "セキ", weight: 100, variants: []string{"關"}},
	{kanji: "辻", kana: "ツジ", weight: 80},
}

// Birth-year buckets in which a given name was common.
const (
	eraOld   = 1 << iota // born before 1960
	eraMid               // 1960-1989
	eraYoung             // 1990 and later
)

// given is a given name with its usual reading.
type given struct {
	kanji  string
	kana   string
	female bool
	eras   uint8

	hira, half string
	roma       [4]string
}

var givens = []given{
	// Male.
	{kanji: "翔太", kana: "ショウタ", eras: eraMid | eraYoung},
	{kanji: "大翔", kana: "ヒロト", eras: eraYoung},
	{kanji: "蓮", kana: "レン", eras: eraYoung},
	{kanji: "悠真", kana: "ユウマ", eras: eraYoung},
	{kanji: "陽翔", kana: "ハルト", eras: eraYoung},
	{kanji: "湊", kana: "ミナト", eras: eraYoung},
	{kanji: "優斗", kana: "ユウト", eras: eraYoung},
	{kanji: "悠人", kana: "ユウト", eras: eraYoung},
	{kanji: "太郎", kana: "タロウ", eras: eraOld | eraMid | eraYoung},
	{kanji: "一郎", kana: "イチロウ", eras: eraOld | eraMid},
	{kanji: "健太", kana: "ケンタ", eras: eraMid | eraYoung},
	{kanji: "拓也", kana: "タクヤ", eras: eraMid | eraYoung},
	{kanji: "大輔", kana: "ダイスケ", eras: eraMid | eraYoung},
	{kanji: "翔", kana: "ショウ", eras: eraMid | eraYoung},
	{kanji: "直樹", kana: "ナオキ", eras: eraMid},
	{kanji: "健一", kana: "ケンイチ", eras: eraOld | eraMid},
	{kanji: "誠", kana: "マコト", eras: eraOld | eraMid},
	{kanji: "修", kana: "オサム", eras: eraOld | eraMid},
	{kanji: "浩", kana: "ヒロシ", eras: eraOld | eraMid},
	{kanji: "博", kana: "ヒロシ", eras: eraOld},
	{kanji: "隆", kana: "タカシ", eras: eraOld | eraMid},
	{kanji: "進", kana: "ススム", eras: eraOld},
	{kanji: "淳", kana: "ジュン", eras: eraMid},
	{kanji: "俊介", kana: "シュンスケ", eras: eraMid | eraYoung},
	{kanji: "翼", kana: "ツバサ", eras: eraMid | eraYoung},
	{kanji: "司", kana: "ツカサ", eras: eraMid},
	{kanji: "勝", kana: "マサル", eras: eraOld},
	{kanji: "茂", kana: "シゲル", eras: eraOld},
	{kanji: "実", kana: "ミノル", eras: eraOld},
	{kanji: "忠", kana: "タダシ", eras: eraOld},
	{kanji: "秀樹", kana: "ヒデキ", eras: eraMid},
	{kanji: "真司", kana: "シンジ", eras: eraMid},
	{kanji: "悠希", kana: "ユウキ", eras: eraMid | eraYoung},
	{kanji: "勇気", kana: "ユウキ", eras: eraYoung},
	{kanji: "雄一", kana: "ユウイチ", eras: eraMid},
	{kanji: "和也", kana: "カズヤ", eras: eraMid},
	{kanji: "達也", kana: "タツヤ", eras: eraMid},
	{kanji: "哲也", kana: "テツヤ", eras: eraMid},
	{kanji: "智也", kana: "トモヤ", eras: eraMid | eraYoung},
	{kanji: "亮", kana: "リョウ", eras: eraMid | eraYoung},
	{kanji: "涼太", kana: "リョウタ", eras: eraYoung},
	{kanji: "颯太", kana: "ソウタ", eras: eraYoung},
	{kanji: "陸", kana: "リク", eras: eraYoung},
	{kanji: "樹", kana: "イツキ", eras: eraYoung},
	{kanji: "大樹", kana: "ダイキ", eras: eraMid | eraYoung},
	{kanji: "康弘", kana: "ヤスヒロ", eras: eraMid},
	{kanji: "正樹", kana: "マサキ", eras: eraMid},
	{kanji: "清", kana: "キヨシ", eras: eraOld},
	{kanji: "明", kana: "アキラ", eras: eraOld},
	{kanji: "徹", kana: "トオル", eras: eraOld | eraMid},
	{kanji: "純一", kana: "ジュンイチ", eras: eraMid},
	{kanji: "剛", kana: "ツヨシ", eras: eraMid},
	{kanji: "雄大", kana: "ユウダイ", eras: eraMid | eraYoung},
	// Female.
	{kanji: "千尋", kana: "チヒロ", female: true, eras: eraMid | eraYoung},
	{kanji: "陽葵", kana: "ヒマリ", female: true, eras: eraYoung},
	{kanji: "結衣", kana: "ユイ", female: true, eras: eraYoung},
	{kanji: "葵", kana: "アオイ", female: true, eras: eraYoung},
	{kanji: "凛", kana: "リン", female: true, eras: eraYoung},
	{kanji: "結菜", kana: "ユイナ", female: true, eras: eraYoung},
	{kanji: "さくら", kana: "サクラ", female: true, eras: eraYoung},
	{kanji: "美咲", kana: "ミサキ", female: true, eras: eraMid | eraYoung},
	{kanji: "陽子", kana: "ヨウコ", female: true, eras: eraOld | eraMid},
	{kanji: "恵子", kana: "ケイコ", female: true, eras: eraOld},
	{kanji: "裕子", kana: "ユウコ", female: true, eras: eraMid},
	{kanji: "由美", kana: "ユミ", female: true, eras: eraMid},
	{kanji: "真由美", kana: "マユミ", female: true, eras: eraMid},
	{kanji: "智子", kana: "トモコ", female: true, eras: eraMid},
	{kanji: "久美子", kana: "クミコ", female: true, eras: eraMid},
	{kanji: "直美", kana: "ナオミ", female: true, eras: eraMid},
	{kanji: "明美", kana: "アケミ", female: true, eras: eraMid},
	{kanji: "幸子", kana: "サチコ", female: true, eras: eraOld},
	{kanji: "洋子", kana: "ヨウコ", female: true, eras: eraOld},
	{kanji: "京子", kana: "キョウコ", female: true, eras: eraOld},
	{kanji: "順子", kana: "ジュンコ", female: true, eras: eraOld},
	{kanji: "純子", kana: "ジュンコ", female: true, eras: eraMid},
	{kanji: "愛", kana: "アイ", female: true, eras: eraMid | eraYoung},
	{kanji: "舞", kana: "マイ", female: true, eras: eraMid | eraYoung},
	{kanji: "彩", kana: "アヤ", female: true, eras: eraMid | eraYoung},
	{kanji: "優子", kana: "ユウコ", female: true, eras: eraMid},
	{kanji: "千秋", kana: "チアキ", female: true, eras: eraMid},
	{kanji: "静香", kana: "シズカ", female: true, eras: eraMid},
	{kanji: "詩織", kana: "シオリ", female: true, eras: eraMid | eraYoung},
	{kanji: "芽依", kana: "メイ", female: true, eras: eraYoung},
	{kanji: "美月", kana: "ミヅキ", female: true, eras: eraYoung},
	{kanji: "紬", kana: "ツムギ", female: true, eras: eraYoung},
	{kanji: "莉子", kana: "リコ", female: true, eras: eraYoung},
	{kanji: "美穂", kana: "ミホ", female: true, eras: eraMid},
	{kanji: "香織", kana: "カオリ", female: true, eras: eraMid},
	{kanji: "恵美", kana: "エミ", female: true, eras: eraMid},
	{kanji: "麻衣", kana: "マイ", female: true, eras: eraMid | eraYoung},
	{kanji: "由紀", kana: "ユキ", female: true, eras: eraMid},
	{kanji: "沙織", kana: "サオリ", female: true, eras: eraMid},
	{kanji: "奈々", kana: "ナナ", female: true, eras: eraMid | eraYoung},
	{kanji: "里美", kana: "サトミ", female: true, eras: eraMid},
	{kanji: "和子", kana: "カズコ", female: true, eras: eraOld},
	{kanji: "節子", kana: "セツコ", female: true, eras: eraOld},
	{kanji: "美香", kana: "ミカ", female: true, eras: eraMid},
	{kanji: "亜希子", kana: "アキコ", female: true, eras: eraMid},
	{kanji: "愛子", kana: "アイコ", female: true, eras: eraOld | eraMid | eraYoung},
	{kanji: "千代", kana: "チヨ", female: true, eras: eraOld},
	{kanji: "友美", kana: "トモミ", female: true, eras: eraMid},
	{kanji: "綾香", kana: "アヤカ", female: true, eras: eraMid | eraYoung},
	{kanji: "翔子", kana: "ショウコ", female: true, eras: eraMid},
	{kanji: "静子", kana: "シズコ", female: true, eras: eraOld},
}

// area is a real town (町域) with its real postal code and the landline area
// code (市外局番, with its leading 0) of the place. Chome is how many 丁目 the
// addresses there are written with (capped at 9); 0 means the town has no
// 丁目 and addresses are 番地-号 only.
type area struct {
	pref, city, town string
	postal           string // 7 digits
	tel              string // area code, e.g. "03", "045", "0466"
	chome            int
}

var areas = []area{
	{"東京都", "渋谷区", "神南", "1500041", "03", 2},
	{"東京都", "千代田区", "丸の内", "1000005", "03", 3},
	{"東京都", "新宿区", "西新宿", "1600023", "03", 8},
	{"東京都", "港区", "六本木", "1060032", "03", 7},
	{"東京都", "世田谷区", "三軒茶屋", "1540024", "03", 2},
	{"東京都", "中央区", "銀座", "1040061", "03", 8},
	{"東京都", "豊島区", "東池袋", "1700013", "03", 5},
	{"東京都", "練馬区", "豊玉北", "1760012", "03", 6},
	{"東京都", "杉並区", "阿佐谷南", "1660004", "03", 3},
	{"東京都", "八王子市", "旭町", "1920083", "042", 0},
	{"東京都", "武蔵野市", "吉祥寺本町", "1800004", "0422", 4},
	{"神奈川県", "横浜市西区", "みなとみらい", "2200012", "045", 6},
	{"神奈川県", "横浜市中区", "山下町", "2310023", "045", 0},
	{"神奈川県", "川崎市川崎区", "駅前本町", "2100007", "044", 0},
	{"神奈川県", "藤沢市", "鵠沼石上", "2510025", "0466", 3},
	{"埼玉県", "さいたま市大宮区", "桜木町", "3300854", "048", 4},
	{"千葉県", "千葉市中央区", "富士見", "2600015", "043", 2},
	{"千葉県", "船橋市", "本町", "2730005", "047", 7},
	{"大阪府", "大阪市北区", "梅田", "5300001", "06", 3},
	{"大阪府", "大阪市中央区", "難波", "5420076", "06", 5},
	{"大阪府", "大阪市天王寺区", "悲田院町", "5430055", "06", 0},
	{"大阪府", "堺市堺区", "南瓦町", "5900078", "072", 0},
	{"大阪府", "豊中市", "中桜塚", "5610881", "06", 5},
	{"京都府", "京都市下京区", "東塩小路町", "6008216", "075", 0},
	{"兵庫県", "神戸市中央区", "三宮町", "6500021", "078", 3},
	{"兵庫県", "西宮市", "六湛寺町", "6620918", "0798", 0},
	{"愛知県", "名古屋市中村区", "名駅", "4500002", "052", 5},
	{"愛知県", "名古屋市中区", "栄", "4600008", "052", 5},
	{"愛知県", "豊田市", "西町", "4710025", "0565", 5},
	{"北海道", "札幌市中央区", "北一条西", "0600001", "011", 9},
	{"北海道", "旭川市", "六条通", "0700036", "0166", 9},
	{"宮城県", "仙台市青葉区", "中央", "9800021", "022", 4},
	{"福岡県", "福岡市博多区", "博多駅前", "8120011", "092", 4},
	{"福岡県", "福岡市中央区", "天神", "8100001", "092", 5},
	{"福岡県", "北九州市小倉北区", "城内", "8030813", "093", 0},
	{"広島県", "広島市中区", "基町", "7300011", "082", 0},
	{"静岡県", "静岡市葵区", "追手町", "4200853", "054", 0},
	{"新潟県", "新潟市中央区", "万代", "9500088", "025", 5},
	{"沖縄県", "那覇市", "久茂地", "9000015", "098", 3},
	{"石川県", "金沢市", "広坂", "9200962", "076", 2},
	{"岡山県", "岡山市北区", "駅元町", "7000024", "086", 0},
	{"鹿児島県", "鹿児島市", "山下町", "8920816", "099", 0},
}

// areaWeights favours the big cities, as a customer base would.
var areaWeights = func() []int {
	w := make([]int, len(areas))
	for i, a := range areas {
		switch a.pref {
		case "東京都":
			w[i] = 5
		case "大阪府", "神奈川県":
			w[i] = 4
		case "愛知県", "福岡県", "埼玉県", "千葉県", "兵庫県", "北海道":
			w[i] = 3
		default:
			w[i] = 2
		}
	}
	return w
}()

// Building names are a prefix, optionally followed by the town name
// (メゾン神南, ライオンズマンション梅田).
var buildingPrefixes = []string{
	"メゾン", "ハイツ", "コーポ", "パークハイツ", "グランドメゾン", "ライオンズマンション",
	"ドミール", "シャトー", "レジデンス", "サンハイツ", "パレス", "ロイヤルハイツ",
	"エステート", "フォレスト", "ヴィラ", "リバーサイド",
}

// Legal forms a company name is written with.
const (
	formNone = iota // 医院, 事務所, 法人: no 株式会社
	formKKPrefix
	formKKSuffix
	formYK // 有限会社
)

// company is a small business a customer works for.
type company struct {
	name   string
	form   int
	domain string
}

var companies = []company{
	{"サンライズ", formKKPrefix, "sunrise-inc.co.jp"},
	{"山田商事", formKKSuffix, "yamada-shoji.co.jp"},
	{"青空デザイン", formKKPrefix, "aozora-design.jp"},
	{"田中工務店", formYK, "tanaka-koumuten.co.jp"},
	{"みどり歯科医院", formNone, "midori-dental.jp"},
	{"ことぶき不動産", formKKPrefix, "kotobuki-fudosan.co.jp"},
	{"北斗システム", formKKSuffix, "hokuto-sys.co.jp"},
	{"丸福食品", formKKSuffix, "marufuku-foods.co.jp"},
	{"東西物流", formKKPrefix, "tozai-logi.co.jp"},
	{"中央会計事務所", formNone, "chuo-kaikei.jp"},
	{"ひかり美容室", formNone, "hikari-biyou.com"},
	{"三ツ星電機", formKKSuffix, "mitsuboshi-denki.co.jp"},
	{"グリーンファーム", formKKPrefix, "greenfarm.co.jp"},
	{"大和建設", formKKSuffix, "yamato-kensetsu.co.jp"},
	{"ベイサイド法律事務所", formNone, "bayside-law.jp"},
	{"日の出印刷", formYK, "hinode-print.co.jp"},
	{"あおば税理士法人", formNone, "aoba-tax.jp"},
	{"スマイル薬局", formKKPrefix, "smile-ph.jp"},
	{"さくら保険サービス", formYK, "sakura-hoken.co.jp"},
	{"ミナト精工", formKKSuffix, "minato-seiko.co.jp"},
}

// Personal mail providers and how often customers use them. "" stands for
// the customer's company domain (only for customers with a company).
var mailDomains = []struct {
	domain  string
	weight  int
	carrier bool // a mobile carrier's address: long local parts, old RFC-breaking dots
}{
	{"gmail.com", 30, false},
	{"yahoo.co.jp", 14, false},
	{"icloud.com", 13, false},
	{"docomo.ne.jp", 10, true},
	{"ezweb.ne.jp", 6, true},
	{"au.com", 3, true},
	{"softbank.ne.jp", 5, true},
	{"i.softbank.jp", 4, true},
	{"outlook.jp", 4, false},
	{"hotmail.co.jp", 3, false},
	{"", 8, false},
}

// Words people build mail local parts from.
var mailWords = []string{
	"happy", "sakura", "blue", "sky", "hana", "neko", "inu", "sun", "moon", "star",
	"umi", "sora", "coco", "momo", "lucky", "smile", "green", "peace", "yuki", "kaze",
}

// Shared mailboxes of small companies.
var sharedMailboxes = []string{"info", "office", "contact", "support", "shop", "reserve"}
