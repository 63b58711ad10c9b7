package mapping

import "unicode/utf8"

// itaiji maps variant kanji (異体字, among them the 旧字体 of the 1946 and
// 1949 reforms) that are common in family names, given names and place
// names to the form in everyday use. The pairs come from the 人名用漢字
// table (戸籍法施行規則 別表第二, which allows these 旧字体 and 異体字 in
// names beside their 常用 forms) and from the 戸籍 variants that table
// leaves out but customer lists are full of (髙, 﨑, 邉, 𠮷). Every value is a key of none, so the fold is idempotent, and every
// key is stable under NFKC (compatibility ideographs such as 神 U+FA19 are
// left to Fold).
//
// Three choices are looser than the tables: 齊 and 斉 fold to 斎 with 齋,
// since 斎藤, 齋藤, 齊藤 and 斉藤 are one family name written four ways; 淵
// folds to the 俗字 渕, which is as common in names; 龍 folds to 竜.
var itaiji = map[rune]rune{
	'髙': '高', '﨑': '崎', '嵜': '崎', '碕': '崎', '邊': '辺', '邉': '辺', '齋': '斎', '齊': '斎',
	'斉': '斎', '濱': '浜', '濵': '浜', '澤': '沢', '櫻': '桜', '廣': '広', '國': '国', '圀': '国',
	'德': '徳', '眞': '真', '槇': '槙', '栁': '柳', '桺': '柳', '嶋': '島', '嶌': '島', '冨': '富',
	'惠': '恵', '曾': '曽', '藪': '薮', '瀨': '瀬', '淵': '渕', '螢': '蛍', '鐵': '鉄', '龍': '竜',
	'條': '条', '彌': '弥', '實': '実', '壽': '寿', '顯': '顕', '驒': '騨', '來': '来', '萬': '万',
	'與': '与', '豐': '豊', '晝': '昼', '假': '仮', '圓': '円', '峯': '峰', '舩': '船', '澁': '渋',
	'𠮷': '吉', '藏': '蔵', '榮': '栄', '會': '会', '傳': '伝', '縣': '県', '關': '関', '寶': '宝',
	'寳': '宝', '戶': '戸', '靜': '静', '淺': '浅', '黑': '黒', '桒': '桑', '槗': '橋', '篭': '籠',
	'亞': '亜', '鹽': '塩', '瀧': '滝', '莊': '荘', '壯': '壮', '聰': '聡', '穗': '穂', '稻': '稲',
	'恆': '恒', '禮': '礼', '曉': '暁', '滿': '満', '繪': '絵', '總': '総', '兒': '児', '增': '増',
	'黃': '黄', '嶽': '岳', '巖': '巌', '淸': '清', '靑': '青', '鄕': '郷', '邨': '村', '凜': '凛',
	'舘': '館', '鷗': '鴎', '蘆': '芦', '檜': '桧', '遙': '遥', '堯': '尭', '賴': '頼', '寬': '寛',
	'曻': '昇', '埜': '野', '晉': '晋', '亙': '亘', '鎭': '鎮', '繩': '縄', '臺': '台', '劍': '剣',
	'釼': '剣', '衞': '衛', '彥': '彦', '姬': '姫', '凉': '涼', '瑤': '瑶', '緖': '緒', '綠': '緑',
	'龜': '亀', '溪': '渓', '勳': '勲', '覺': '覚',
}

// FoldItaiji maps common variant kanji (異体字) in names and addresses to
// their everyday form: 髙 → 高, 﨑 嵜 碕 → 崎, 邊 邉 → 辺, 齋 齊 → 斎, 濱 → 浜,
// 澤 → 沢, 櫻 → 桜, 國 → 国, 𠮷 → 吉 and about a hundred more. Ideographic
// variation selectors (U+E0100–U+E01EF) and variation selectors
// (U+FE00–U+FE0F), which pick a glyph of the same kanji, are removed. Other
// text is unchanged; callers fold with NFKC first (Fold), which already maps
// most CJK compatibility ideographs.
func FoldItaiji(s string) string {
	i := 0
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if itaijiChanges(r) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	for _, r := range s[i:] {
		if isVariationSelector(r) {
			continue
		}
		if to, ok := itaiji[r]; ok {
			r = to
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// itaijiChanges reports whether FoldItaiji changes r.
func itaijiChanges(r rune) bool {
	if r < 0x4E00 {
		return false
	}
	if isVariationSelector(r) {
		return true
	}
	_, ok := itaiji[r]
	return ok
}

// isVariationSelector reports whether r is a variation selector (VS1–VS16)
// or an ideographic variation selector (VS17–VS256).
func isVariationSelector(r rune) bool {
	return (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF)
}
