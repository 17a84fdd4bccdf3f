package standardize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// minRegionRemainder is how many characters must remain for a leading
// Chinese region to be removed. With fewer, the region is usually part of
// the brand itself: 北京银行 and 上海银行 are different banks and must not
// both become "银行".
const minRegionRemainder = 3

// CompanyNameKey returns the match key of a company name, so that the same
// company written by different systems compares equal:
//
//	"ACME Co., Ltd.", "Acme Inc", "ＡＣＭＥ"          → "acme"
//	"华为技术有限公司", "华为技术 有限公司"             → "华为技术"
//	"北京华为技术有限公司"                            → "华为技术"
//
// Steps, and the decisions behind them:
//
//  1. Trade-mark signs (™ ® © ℠) are removed, then MatchKey (NFKC, case
//     folding): NFKC alone would turn "™" into the letters "tm".
//  2. Brackets of every shape and width (（）【】〔〕〖〗[]{}) are treated
//     alike, as punctuation, and the name is split into words at spaces,
//     punctuation and symbols. Spaces and
//     punctuation between two Chinese or Japanese characters are ignored:
//     these scripts do not separate words, so "华为技术 有限公司" is one word.
//  3. Bracketed parts are kept (only the brackets go): in Chinese registered
//     names the bracket holds the region of a separate legal person —
//     腾讯科技（深圳）有限公司 and 腾讯科技（北京）有限公司 are different
//     companies.
//  4. Legal forms are removed from the end, repeatedly: Chinese 股份有限公司,
//     有限责任公司, 有限公司, 股份公司, 公司, 有限合伙, 普通合伙 …, and
//     the words Co, Company, Ltd, Limited, Inc, Incorporated, Corp,
//     Corporation, LLC, GmbH, AG, SA (S.A.), SAS, BV, PLC, Pty, KG, LLP.
//     集团 ("group") is kept: XX集团有限公司 becomes "xx集团", because a
//     group holding company and the operating company XX有限公司 are
//     different legal persons. A name ending in 分公司 (branch) or 总公司
//     (head office) is left alone: a branch has its own credit code and
//     bank accounts and must not merge with its head office.
//  5. Only when a legal form was removed (so the input is a registered
//     company name, not 北京大学) is a leading Chinese province or major city
//     (北京, 上海市, 广东省, 深圳, …) removed, repeatedly, and only while
//     at least three characters remain.
//  6. The words are joined without spaces or punctuation.
//
// A name that consists of legal forms only ("有限公司", "Co., Ltd.") keeps
// them ("有限公司", "coltd"), and a name of punctuation only keeps its
// MatchKey, so a non-empty name never gets an empty key (an empty key would
// match every other nameless record).
//
// Homoglyphs are not folded: "Аcme" with a Cyrillic А gives "аcme", which
// differs from "acme" (see MatchKey). Pinyin region prefixes ("Beijing
// Huawei") and Japanese forms (株式会社) are not removed.
func CompanyNameKey(s string) string {
	// Joining can bring together characters that normalise differently
	// side by side (Hangul jamo), so normalise the result once more.
	key := strings.Join(CompanyNameWords(s), "")
	if _, simple := textClass(key); simple {
		return key // ASCII and CJK ideographs only: NFKC changes nothing
	}
	return norm.NFKC.String(key)
}

// CompanyNameWords returns the words CompanyNameKey joins: "Blue River
// Trading Co., Ltd." gives [blue river trading], "北京华为技术有限公司"
// [华为技术] (Chinese is not split into words). A name of punctuation only
// gives its MatchKey as one word; an empty one none.
func CompanyNameWords(s string) []string {
	t := Text(s)
	mk := MatchKey(t) // Text is idempotent, so this is MatchKey(s)
	if mk == "" {
		return nil
	}
	k := mk
	if hasTrademark(t) {
		// Text first: strings.Map would turn invalid bytes into U+FFFD,
		// which is a symbol and would split words that Text joins.
		k = MatchKey(strings.Map(dropTrademark, t))
	}
	words := companyWords(k)
	if len(words) == 0 {
		return []string{mk}
	}
	core, removed := stripLegalForms(words)
	if len(core) == 0 {
		core = words
	} else if removed {
		core = stripLeadingRegion(core)
	}
	return core
}

// hasTrademark reports whether dropTrademark would change s. It searches
// for each sign in turn, which is faster than decoding s rune by rune.
func hasTrademark(s string) bool {
	return strings.ContainsRune(s, '™') || strings.ContainsRune(s, '®') ||
		strings.ContainsRune(s, '©') || strings.ContainsRune(s, '℠')
}

// dropTrademark is a strings.Map function removing trade-mark signs.
func dropTrademark(r rune) rune {
	switch r {
	case '™', '®', '©', '℠':
		return -1
	}
	return r
}

// companyWords splits a match key into words; see CompanyNameKey step 2.
// It runs in linear time: names come from external systems and may be huge.
func companyWords(k string) []string {
	var words []string
	var cur strings.Builder
	var last rune // last rune written to cur
	sep := false  // a separator run follows the runes in cur
	for _, r := range k {
		if isWordRune(r) {
			// The common case, with none of the checks below to make.
		} else if isBracket(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			sep = cur.Len() > 0
			continue
		} else if unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) && (cur.Len() == 0 || sep) {
			// A combining mark with no letter before it in its word
			// (it followed a space or bracket) carries no meaning.
			continue
		}
		if sep {
			// Chinese and Japanese do not separate words, so a space
			// or bracket between two such characters does not end one.
			if !isUnspacedScript(last) || !isUnspacedScript(r) {
				words = append(words, cur.String())
				cur.Reset()
			}
			sep = false
		}
		cur.WriteRune(r)
		last = r
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words
}

// isBracket reports the brackets CompanyNameKey treats alike. They are
// Unicode punctuation anyway; listing them keeps the rule from depending on
// that. After NFKC the full-width （）［］｛｝ are already ASCII.
func isBracket(r rune) bool {
	return strings.ContainsRune("()[]{}【】〔〕〖〗", r)
}

// isUnspacedScript reports runes of scripts written without spaces.
func isUnspacedScript(r rune) bool {
	return isHanIdeograph(r) || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// isWordRune reports the runes most company names consist of, ASCII letters
// and digits and CJK unified ideographs, which are neither separators nor
// combining marks, without looking them up in Unicode tables.
// TestCompanyWordRunes checks that against the tables.
func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || isHanIdeograph(r)
}

// isHanIdeograph reports the CJK Unified Ideographs block, U+4E00..U+9FFF,
// every one of them of the Han script.
func isHanIdeograph(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF
}

// stripLegalForms removes legal-form suffixes from the end of words,
// repeatedly. It may return no words when the name is only legal forms;
// removed reports whether anything was taken off.
func stripLegalForms(in []string) (words []string, removed bool) {
	words = append([]string(nil), in...) // never modify the caller's slice
	for len(words) > 0 {
		last := words[len(words)-1]
		if strings.HasSuffix(last, "分公司") || strings.HasSuffix(last, "总公司") || strings.HasSuffix(last, "總公司") {
			break
		}
		if n := latinLegalFormWords(words); n > 0 {
			words = words[:len(words)-n]
			removed = true
			continue
		}
		if suffix := chineseLegalForm(last); suffix != "" {
			if rest := strings.TrimSuffix(last, suffix); rest != "" {
				words[len(words)-1] = rest
			} else {
				words = words[:len(words)-1]
			}
			removed = true
			continue
		}
		break
	}
	return words, removed
}

// latinLegalFormWords returns how many trailing words form a Latin-script
// legal form, or 0. Dotted abbreviations ("S.A.", "B.V.", "L.L.C.") arrive
// as single letters, so runs of two or three one-letter words are tried
// joined before the last word alone.
func latinLegalFormWords(words []string) int {
	single := 0
	for single < 3 && single < len(words) && len(words[len(words)-1-single]) == 1 {
		single++
	}
	for n := single; n >= 2; n-- {
		if isLatinLegalForm(strings.Join(words[len(words)-n:], "")) {
			return n
		}
	}
	if isLatinLegalForm(words[len(words)-1]) {
		return 1
	}
	return 0
}

// isLatinLegalForm reports a (case-folded) Latin legal-form word.
func isLatinLegalForm(w string) bool {
	switch w {
	case "co", "company", "ltd", "limited", "inc", "incorporated", "corp", "corporation",
		"llc", "llp", "gmbh", "ag", "kg", "sa", "sas", "bv", "plc", "pty":
		return true
	}
	return false
}

// chineseLegalForm returns the longest Chinese legal form w ends with, or "".
func chineseLegalForm(w string) string {
	// Longest first, so 股份有限公司 is not taken for 公司.
	for _, f := range [...]string{
		"股份有限公司", "有限责任公司", "有限責任公司", "责任有限公司", "特殊普通合伙",
		"有限公司", "股份公司", "有限合伙", "有限合夥", "普通合伙", "普通合夥",
		"公司",
	} {
		if strings.HasSuffix(w, f) {
			return f
		}
	}
	return ""
}

// stripLeadingRegion removes leading Chinese regions; see CompanyNameKey
// step 5.
func stripLeadingRegion(words []string) []string {
	words = append([]string(nil), words...)
	remain := 0 // runes left in all words; kept up to date to stay linear
	for _, w := range words {
		remain += utf8.RuneCountInString(w)
	}
	for len(words) > 0 {
		n := regionPrefixLen(words[0])
		if n == 0 {
			break
		}
		after := remain - utf8.RuneCountInString(words[0][:n])
		if after < minRegionRemainder {
			break
		}
		remain = after
		if words[0] = words[0][n:]; words[0] == "" {
			words = words[1:]
		}
	}
	return words
}

// regionPrefixLen returns the byte length of the longest Chinese region
// name w starts with (with 市, 省, 自治区 … if present), or 0.
func regionPrefixLen(w string) int {
	if first, _ := utf8.DecodeRuneInString(w); !regionFirstRunes[first] {
		return 0 // the usual case, decided without trying every length
	}
	// ends[k-1] is the byte length of the first k runes, for k up to the
	// longest region name with its suffix (新疆维吾尔自治区, 8 runes).
	const maxRegionRunes = 8
	ends := make([]int, 0, maxRegionRunes)
	for i := range w {
		if i > 0 {
			ends = append(ends, i)
		}
		if len(ends) == maxRegionRunes {
			break
		}
	}
	if len(ends) < maxRegionRunes {
		ends = append(ends, len(w))
	}
	// Longest first, so 北京市 beats 北京; no region is a single character.
	for k := len(ends); k >= 2; k-- {
		if isRegion(w[:ends[k-1]]) {
			return ends[k-1]
		}
	}
	return 0
}

// isRegion reports whether p is a region name, optionally with its
// administrative suffix.
func isRegion(p string) bool {
	// Every suffix ends in 区, 區, 省 or 市; most candidates end in none.
	switch last, _ := utf8.DecodeLastRuneInString(p); last {
	case '区', '區', '省', '市':
	default:
		return isRegionBase(p)
	}
	for _, suffix := range regionSuffixes {
		if base, ok := strings.CutSuffix(p, suffix); ok && isRegionBase(base) {
			return true
		}
	}
	return isRegionBase(p)
}

// regionSuffixes are the administrative suffixes isRegion accepts after a
// region name.
var regionSuffixes = [...]string{
	"维吾尔自治区", "維吾爾自治區", "壮族自治区", "壯族自治區", "回族自治区", "回族自治區",
	"特别行政区", "特別行政區", "自治区", "自治區", "省", "市",
}

// isRegionBase reports the bare names of China's provincial-level divisions
// and its largest cities, in simplified and traditional characters.
func isRegionBase(p string) bool {
	return regionBaseSet[p]
}

// regionBases are the names isRegionBase knows.
var regionBases = []string{
	"北京", "上海", "天津", "重庆", "重慶",
	"河北", "山西", "辽宁", "遼寧", "吉林", "黑龙江", "黑龍江", "江苏", "江蘇", "浙江",
	"安徽", "福建", "江西", "山东", "山東", "河南", "湖北", "湖南", "广东", "廣東",
	"海南", "四川", "贵州", "貴州", "云南", "雲南", "陕西", "陝西", "甘肃", "甘肅",
	"青海", "台湾", "台灣", "臺灣", "内蒙古", "內蒙古", "广西", "廣西", "西藏",
	"宁夏", "寧夏", "新疆", "香港", "澳门", "澳門",
	"深圳", "广州", "廣州", "杭州", "南京", "苏州", "蘇州", "武汉", "武漢", "成都",
	"西安", "厦门", "廈門", "青岛", "青島", "大连", "大連", "宁波", "寧波", "沈阳",
	"瀋陽", "长沙", "長沙", "郑州", "鄭州", "济南", "濟南", "合肥", "福州", "昆明",
	"无锡", "無錫", "东莞", "東莞", "佛山", "珠海", "哈尔滨", "哈爾濱", "长春", "長春",
	"石家庄", "石家莊", "太原", "南昌", "南宁", "南寧", "贵阳", "貴陽", "兰州", "蘭州",
	"海口", "乌鲁木齐", "烏魯木齊", "呼和浩特", "银川", "銀川", "西宁", "西寧", "拉萨",
	"拉薩", "温州", "溫州", "常州", "烟台", "煙台", "泉州",
}

// regionBaseSet and regionFirstRunes are derived from regionBases once;
// they are never modified. regionFirstRunes lets regionPrefixLen reject the
// usual word, which starts with no region, at its first rune.
var regionBaseSet, regionFirstRunes = func() (map[string]bool, map[rune]bool) {
	set, first := map[string]bool{}, map[rune]bool{}
	for _, b := range regionBases {
		set[b] = true
		r, _ := utf8.DecodeRuneInString(b)
		first[r] = true
	}
	return set, first
}()
