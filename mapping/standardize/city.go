package standardize

import (
	"strings"
)

// CityKey returns the match key of a city name, the same in Chinese and in pinyin or the
// usual English name, with or without the administrative suffix:
//
//	"深圳", "深圳市", "Shenzhen", "SHENZHEN CITY", "Shenzhen Shi" → "深圳"
//	"西安", "Xi'an", "Xian", "XI'AN"                          → "西安"
//	"廣州", "Canton"                                         → "广州"
//
// A city the table does not know keeps its MatchKey without the suffix ("Hamburg" →
// "hamburg", "某某县" → "某某"), so it still equals itself written with and without one.
// The table holds China's municipalities, provincial capitals and larger prefecture-level
// cities; no two of them share a pinyin spelling. Where a smaller city outside the table does
// (宿州 is Suzhou too, 抚州 Fuzhou), the pinyin means the larger one, as it usually does in
// customer data; 台州 and 泰州, both Taizhou and of a size, are left out. Different cities
// often share a character (广州, 杭州), so compare keys for equality, never by similarity.
func CityKey(s string) string {
	k := trimCitySuffixes(MatchKey(s))
	if c, ok := cityByName[k]; ok {
		return c
	}
	if c, ok := cityByName[latinCity(k)]; ok {
		return c
	}
	return k
}

// trimCitySuffixes removes administrative suffixes from the end of a match key, repeatedly,
// but never the whole key: "市" stays "市".
func trimCitySuffixes(k string) string {
	for {
		before := k
		for _, suffix := range []string{"市", "区", "县", " city", " shi", " district"} {
			if rest := strings.TrimSpace(strings.TrimSuffix(k, suffix)); rest != "" {
				k = rest
			}
		}
		if k == before {
			return k
		}
	}
}

// latinCity folds a Latin city name's spelling: "xi'an", "xi an" and "xi-an" → "xian".
func latinCity(k string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\'', '’', '-', '.':
			return -1
		}
		return r
	}, k)
}

// cities are [division=]中文:pinyin[:other names], '|' between the simplified and traditional
// forms of the Chinese name. Pinyin is written without tones, spaces or apostrophes. The division
// is the start of the 行政区划代码 (GB/T 2260) of the city's districts: two digits for the
// municipalities, four for a prefecture-level city.
const cities = `11=北京:beijing:peking 31=上海:shanghai 12=天津:tianjin 50=重庆|重慶:chongqing:chungking
1301=石家庄|石家莊:shijiazhuang 1401=太原:taiyuan 1501=呼和浩特:huhehaote:hohhot 2101=沈阳|瀋陽:shenyang
2201=长春|長春:changchun 2301=哈尔滨|哈爾濱:haerbin:harbin 3201=南京:nanjing:nanking 3301=杭州:hangzhou
3401=合肥:hefei 3501=福州:fuzhou 3601=南昌:nanchang 3701=济南|濟南:jinan 4101=郑州|鄭州:zhengzhou
4201=武汉|武漢:wuhan 4301=长沙|長沙:changsha 4401=广州|廣州:guangzhou:canton 4501=南宁|南寧:nanning
4601=海口:haikou 5101=成都:chengdu 5201=贵阳|貴陽:guiyang 5301=昆明:kunming 5401=拉萨|拉薩:lasa:lhasa
6101=西安:xian 6201=兰州|蘭州:lanzhou 6301=西宁|西寧:xining 6401=银川|銀川:yinchuan
6501=乌鲁木齐|烏魯木齊:wulumuqi:urumqi 香港:xianggang:hongkong 澳门|澳門:aomen:macau:macao 台北|臺北:taibei:taipei
4403=深圳:shenzhen 3205=苏州|蘇州:suzhou 3502=厦门|廈門:xiamen:amoy 3702=青岛|青島:qingdao:tsingtao
2102=大连|大連:dalian 3302=宁波|寧波:ningbo 4419=东莞|東莞:dongguan 4406=佛山:foshan 3202=无锡|無錫:wuxi
4404=珠海:zhuhai 3204=常州:changzhou 3303=温州|溫州:wenzhou 3706=烟台|煙台:yantai 3505=泉州:quanzhou
3206=南通:nantong 3203=徐州:xuzhou 3210=扬州|揚州:yangzhou 3211=镇江|鎮江:zhenjiang 3304=嘉兴|嘉興:jiaxing
3306=绍兴|紹興:shaoxing 3307=金华|金華:jinhua 3305=湖州:huzhou 4420=中山:zhongshan 4413=惠州:huizhou
4407=江门|江門:jiangmen 4405=汕头|汕頭:shantou 4408=湛江:zhanjiang 3707=潍坊|濰坊:weifang 3703=淄博:zibo
3713=临沂|臨沂:linyi 3708=济宁|濟寧:jining 3710=威海:weihai 4103=洛阳|洛陽:luoyang 1302=唐山:tangshan
1306=保定:baoding 1310=廊坊:langfang 1303=秦皇岛|秦皇島:qinhuangdao 1304=邯郸|邯鄲:handan 1402=大同:datong
1502=包头|包頭:baotou 2103=鞍山:anshan 2202=吉林:jilin 3402=芜湖|蕪湖:wuhu 3506=漳州:zhangzhou
3607=赣州|贛州:ganzhou 3604=九江:jiujiang 4205=宜昌:yichang 4206=襄阳|襄陽:xiangyang 4302=株洲:zhuzhou
4306=岳阳|岳陽:yueyang 4503=桂林:guilin 4502=柳州:liuzhou 4602=三亚|三亞:sanya 5107=绵阳|綿陽:mianyang
5115=宜宾|宜賓:yibin 5203=遵义|遵義:zunyi 5329=大理:dali 5307=丽江|麗江:lijiang 6103=宝鸡|寶雞:baoji
6104=咸阳|咸陽:xianyang 3209=盐城|鹽城:yancheng 3208=淮安:huaian 3207=连云港|連雲港:lianyungang 3709=泰安:taian
3711=日照:rizhao 3714=德州:dezhou 3715=聊城:liaocheng 3717=菏泽|菏澤:heze 4102=开封|開封:kaifeng
4107=新乡|新鄉:xinxiang 4113=南阳|南陽:nanyang 4105=安阳|安陽:anyang 3403=蚌埠:bengbu 3405=马鞍山|馬鞍山:maanshan
3503=莆田:putian 3508=龙岩|龍岩:longyan`

// cityByName maps every spelling in cities, as CityKey folds it, to the simplified Chinese
// name, and cityByDivision a division code to it. Both are built once and never modified.
var cityByName, cityByDivision = func() (map[string]string, map[string]string) {
	names, divisions := map[string]string{}, map[string]string{}
	for _, entry := range strings.Fields(cities) {
		division, entry, coded := strings.Cut(entry, "=")
		if !coded {
			entry = division
		}
		spellings := strings.Split(entry, ":")
		forms := strings.Split(spellings[0], "|")
		for _, n := range append(forms, spellings[1:]...) {
			names[n] = forms[0]
		}
		if coded {
			divisions[division] = forms[0]
		}
	}
	return names, divisions
}()

// TaxIDCity returns the CityKey of the city a Chinese tax ID was issued in, from the division
// code in a 统一社会信用代码 (characters 3–8) or an old 15-character 税务登记号 (1–6), or "" when
// the ID is neither or its city is not in the table. A company keeps its 统一社会信用代码 when it
// moves, so this is where it registered, not necessarily where it is now.
func TaxIDCity(s string) string {
	org := OrganizationCode(s)
	if org == "" {
		return ""
	}
	id, _ := TaxID(s) // valid: OrganizationCode found one
	division := id[:6]
	if len(id) == usccLength {
		division = id[2:8]
	}
	if c, ok := cityByDivision[division[:4]]; ok {
		return c
	}
	return cityByDivision[division[:2]]
}
