package demo

// name is a name as its bearer writes it, reads it and romanizes it.
type name struct{ kanji, kana, romaji string }

// familyNames are common Japanese family names, most common first.
var familyNames = []name{
	{"佐藤", "サトウ", "Sato"}, {"鈴木", "スズキ", "Suzuki"}, {"高橋", "タカハシ", "Takahashi"},
	{"田中", "タナカ", "Tanaka"}, {"伊藤", "イトウ", "Ito"}, {"渡辺", "ワタナベ", "Watanabe"},
	{"山本", "ヤマモト", "Yamamoto"}, {"中村", "ナカムラ", "Nakamura"}, {"小林", "コバヤシ", "Kobayashi"},
	{"加藤", "カトウ", "Kato"}, {"吉田", "ヨシダ", "Yoshida"}, {"山田", "ヤマダ", "Yamada"},
	{"佐々木", "ササキ", "Sasaki"}, {"山口", "ヤマグチ", "Yamaguchi"}, {"松本", "マツモト", "Matsumoto"},
	{"井上", "イノウエ", "Inoue"}, {"木村", "キムラ", "Kimura"}, {"林", "ハヤシ", "Hayashi"},
	{"斎藤", "サイトウ", "Saito"}, {"清水", "シミズ", "Shimizu"}, {"山崎", "ヤマザキ", "Yamazaki"},
	{"森", "モリ", "Mori"}, {"池田", "イケダ", "Ikeda"}, {"橋本", "ハシモト", "Hashimoto"},
	{"阿部", "アベ", "Abe"}, {"石川", "イシカワ", "Ishikawa"}, {"山下", "ヤマシタ", "Yamashita"},
	{"中島", "ナカジマ", "Nakajima"}, {"石井", "イシイ", "Ishii"}, {"小川", "オガワ", "Ogawa"},
	{"前田", "マエダ", "Maeda"}, {"岡田", "オカダ", "Okada"}, {"長谷川", "ハセガワ", "Hasegawa"},
	{"藤田", "フジタ", "Fujita"}, {"後藤", "ゴトウ", "Goto"}, {"近藤", "コンドウ", "Kondo"},
	{"村上", "ムラカミ", "Murakami"}, {"遠藤", "エンドウ", "Endo"}, {"青木", "アオキ", "Aoki"},
	{"坂本", "サカモト", "Sakamoto"}, {"斉藤", "サイトウ", "Saito"}, {"福田", "フクダ", "Fukuda"},
	{"太田", "オオタ", "Ota"}, {"西村", "ニシムラ", "Nishimura"}, {"藤井", "フジイ", "Fujii"},
	{"金子", "カネコ", "Kaneko"}, {"岡本", "オカモト", "Okamoto"}, {"藤原", "フジワラ", "Fujiwara"},
}

var womensNames = []name{
	{"陽子", "ヨウコ", "Yoko"}, {"美咲", "ミサキ", "Misaki"}, {"恵子", "ケイコ", "Keiko"},
	{"由美", "ユミ", "Yumi"}, {"真由美", "マユミ", "Mayumi"}, {"愛", "アイ", "Ai"},
	{"彩", "アヤ", "Aya"}, {"さくら", "サクラ", "Sakura"}, {"結衣", "ユイ", "Yui"},
	{"優子", "ユウコ", "Yuko"}, {"直子", "ナオコ", "Naoko"}, {"智子", "トモコ", "Tomoko"},
	{"久美子", "クミコ", "Kumiko"}, {"麻衣", "マイ", "Mai"}, {"美穂", "ミホ", "Miho"},
	{"千尋", "チヒロ", "Chihiro"}, {"葵", "アオイ", "Aoi"}, {"舞", "マイ", "Mai"},
	{"香織", "カオリ", "Kaori"}, {"奈々", "ナナ", "Nana"}, {"明美", "アケミ", "Akemi"},
	{"沙織", "サオリ", "Saori"}, {"花子", "ハナコ", "Hanako"}, {"陽菜", "ヒナ", "Hina"},
}

var mensNames = []name{
	{"太郎", "タロウ", "Taro"}, {"健一", "ケンイチ", "Kenichi"}, {"大輔", "ダイスケ", "Daisuke"},
	{"翔太", "ショウタ", "Shota"}, {"誠", "マコト", "Makoto"}, {"浩", "ヒロシ", "Hiroshi"},
	{"拓也", "タクヤ", "Takuya"}, {"健太", "ケンタ", "Kenta"}, {"直樹", "ナオキ", "Naoki"},
	{"隆", "タカシ", "Takashi"}, {"和也", "カズヤ", "Kazuya"}, {"亮", "リョウ", "Ryo"},
	{"蓮", "レン", "Ren"}, {"悠斗", "ユウト", "Yuto"}, {"修", "オサム", "Osamu"},
	{"哲也", "テツヤ", "Tetsuya"}, {"雄一", "ユウイチ", "Yuichi"}, {"剛", "ツヨシ", "Tsuyoshi"},
}

// area is a neighbourhood the shop's customers live in.
type area struct {
	postal, pref, city, town string
}

var areas = []area{
	{"154-0024", "東京都", "世田谷区", "三軒茶屋"}, {"154-0004", "東京都", "世田谷区", "太子堂"},
	{"155-0031", "東京都", "世田谷区", "北沢"}, {"156-0051", "東京都", "世田谷区", "宮坂"},
	{"153-0064", "東京都", "目黒区", "下目黒"}, {"152-0035", "東京都", "目黒区", "自由が丘"},
	{"150-0011", "東京都", "渋谷区", "東"}, {"151-0066", "東京都", "渋谷区", "西原"},
	{"168-0063", "東京都", "杉並区", "和泉"}, {"211-0004", "神奈川県", "川崎市中原区", "新丸子東"},
}

var emailDomains = []string{"gmail.com", "gmail.com", "gmail.com", "yahoo.co.jp", "icloud.com", "docomo.ne.jp", "ezweb.ne.jp", "outlook.jp"}

// menu is what the salon sells, in yen including tax.
type menuItem struct {
	name     string
	price    int64
	bookable bool // a service booked ahead, not a product
}

var menu = []menuItem{
	{"カット", 4400, true}, {"カット＋カラー", 9900, true}, {"縮毛矯正", 16500, true},
	{"ヘッドスパ", 5500, true}, {"カット＋トリートメント", 7700, true}, {"前髪カット", 1100, true},
	{"シャンプー 300ml", 3080, false}, {"ヘアオイル", 2420, false}, {"トリートメント（ホーム用）", 2860, false},
}

// bridalSet is billed by invoice, not rung up.
var bridalSet = menuItem{"ブライダルヘアセット", 55000, false}

// questions are what people ask in the booking form.
var questions = []string{
	"カラーの色味を相談したいです。写真を持って行ってもいいですか？",
	"近くに駐車場はありますか？",
	"子ども連れでも大丈夫でしょうか。",
	"縮毛矯正はどのくらい時間がかかりますか？",
	"初めてです。前髪だけのカットもお願いできますか？",
	"ギフト券は使えますか？",
	"白髪が気になってきたので、目立たない色にしたいです。",
	"結婚式のヘアセットもお願いできますか？",
	"肌が弱いのですが、低刺激のカラー剤はありますか？",
	"平日の夜は何時まで空いていますか？",
}

// lineQuestions are what people write to the salon on LINE.
var lineQuestions = []string{
	"明日の午後って空いてますか？",
	"前髪だけ切ってもらうことはできますか",
	"カラーの料金を教えてください",
	"子どもの髪も切ってもらえますか？",
	"予約の時間を1時間遅らせたいです",
	"トリートメントだけでも大丈夫ですか？",
}

var campaignSubjects = []string{
	"【三軒茶屋 hair nayose】春の新メニューのご案内", "梅雨のうねり対策、始めませんか", "夏休みキッズカット受付中",
	"秋のカラーキャンペーン 10%OFF", "年末年始の営業時間のお知らせ", "ホームケア商品 入荷のお知らせ",
	"ご来店から3か月、髪の調子はいかがですか", "新スタイリスト着任のお知らせ",
}
