package generate

import "strings"

// The word lists are constants parsed into a vocab per Generate call, so the package holds no
// mutable state. Entries are separated by white space; fields inside an entry by ':'.

// brandChars are characters common in Chinese brand names, as 字:pinyin:homophone. The homophone
// is what a pinyin input method produces when the user picks the wrong candidate (the typo).
const brandChars = `华:hua:化 信:xin:新 达:da:大 通:tong:同 恒:heng:衡 盛:sheng:胜 泰:tai:太 安:an:按
宏:hong:洪 鑫:xin:欣 源:yuan:元 瑞:rui:锐 祥:xiang:翔 兴:xing:星 嘉:jia:佳 德:de:得 丰:feng:峰
永:yong:勇 创:chuang:闯 明:ming:名 辉:hui:晖 远:yuan:园 航:hang:杭 凯:kai:恺 博:bo:搏 伟:wei:威
宇:yu:雨 天:tian:田 金:jin:今 海:hai:亥 昌:chang:长 隆:long:龙 富:fu:福 亿:yi:益 联:lian:连
中:zhong:忠 鼎:ding:顶 骏:jun:俊 润:run:闰 腾:teng:滕 飞:fei:菲 卓:zhuo:桌 越:yue:跃 正:zheng:政
诚:cheng:城 立:li:力 坤:kun:昆 晨:chen:辰 峰:feng:锋 锦:jin:进 荣:rong:容 帆:fan:凡 星:xing:兴
悦:yue:越 思:si:斯 维:wei:唯 科:ke:可 捷:jie:杰 优:you:由 美:mei:每 合:he:和 力:li:立 致:zhi:志
宁:ning:凝 汇:hui:会 启:qi:起 东:dong:冬 方:fang:芳 光:guang:广 南:nan:楠 北:bei:贝 鸿:hong:宏`

// industries are Chinese industry words with the pinyin and English words used in domains.
const industries = `科技:keji:tech 贸易:maoyi:trading 电子:dianzi:electronics 食品:shipin:food
建材:jiancai:materials 物流:wuliu:logistics 实业:shiye:industrial 医药:yiyao:pharma
机械:jixie:machinery 化工:huagong:chem 纺织:fangzhi:textile 信息技术:xinxi:it 网络科技:wangluo:net
环保:huanbao:eco 能源:nengyuan:energy 汽车配件:qipei:auto 包装:baozhuang:pack 咨询:zixun:consult
文化传媒:chuanmei:media 供应链管理:gongyinglian:scm 精密仪器:yiqi:instruments 新材料:xincailiao:newmat`

// zhSuffixes maps each canonical Chinese legal form to the variants clerks type instead.
const zhSuffixes = `有限公司:有限责任公司:公司:有限 股份有限公司:股份公司:有限公司 有限责任公司:有限公司:公司`

// cities are city:English:division, the division being the 行政区划代码 used in credit codes.
const cities = `上海:Shanghai:310115 北京:Beijing:110105 深圳:Shenzhen:440305 广州:Guangzhou:440106
杭州:Hangzhou:330106 南京:Nanjing:320105 苏州:Suzhou:320505 成都:Chengdu:510107 武汉:Wuhan:420106
西安:Xi'an:610113 天津:Tianjin:120116 重庆:Chongqing:500112 厦门:Xiamen:350206 福州:Fuzhou:350102
青岛:Qingdao:370212 宁波:Ningbo:330212 东莞:Dongguan:441900 佛山:Foshan:440604 长沙:Changsha:430104
郑州:Zhengzhou:410105 合肥:Hefei:340104 无锡:Wuxi:320214 济南:Jinan:370102 沈阳:Shenyang:210106
大连:Dalian:210204 昆明:Kunming:530102 珠海:Zhuhai:440402 常州:Changzhou:320411 温州:Wenzhou:330302`

// enWords are the first words of English company names.
const enWords = `Northwind Blue River Summit Pacific Golden Silver Eagle Atlas Pioneer Harbor Maple Crown
Apex Sterling Orion Vertex Evergreen Granite Liberty Coastal Redwood Falcon Meridian Horizon Beacon
Cedar Phoenix Titan Nova Zenith Lakeside Highland Keystone Bright Union Global United Premier Alpine
Oak Stone Iron Cobalt Lotus Jade Willow Aurora Polar Crescent Sapphire Emerald Harvest Bridge Delta
Sunrise Westgate Eastline Hudson Thames Rhine Baltic Nordic Vista Prime`

// enIndustries are the industry words of English company names, with their domain word.
const enIndustries = `Trading:trading Technologies:tech Electronics:electronics Foods:foods Logistics:logistics
Materials:materials Industries:industries Systems:systems Solutions:solutions Manufacturing:mfg
Pharma:pharma Machinery:machinery Chemicals:chem Textiles:textiles Energy:energy Packaging:pack
Consulting:consulting Media:media Components:components Instruments:instruments Networks:networks`

// enSuffixes maps each canonical English legal form to its variants.
const enSuffixes = `Co.,_Ltd.:Co._Ltd:Co.,Ltd:Company_Limited:CO.,_LTD. Inc.:Inc:Incorporated:INC.
GmbH:Gmbh:GMBH Ltd:Ltd.:Limited:LTD`

// surnames and givenNames build Chinese contact names (字:pinyin).
const surnames = `王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 徐:xu
孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 何:he 高:gao 林:lin 罗:luo 郑:zheng 梁:liang 谢:xie 宋:song`

const givenNames = `伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong
艳:yan 杰:jie 涛:tao 明:ming 超:chao 秀英:xiuying 霞:xia 平:ping 刚:gang 桂英:guiying 建华:jianhua
晓东:xiaodong 海燕:haiyan 志强:zhiqiang 婷:ting 鹏:peng 斌:bin 宇:yu 欣怡:xinyi`

// enFirst and enLast build English contact names.
const enFirst = `James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Susan
Thomas Sarah Daniel Karen Anna Peter Laura Mark Emma Lukas Sophie Oliver Hannah`

const enLast = `Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Anderson Moore Martin
Clark Lewis Walker Hall Young King Wright Schmidt Fischer Weber Becker`

// mailboxes are the role accounts used as company email local parts.
const mailboxes = `info sales contact office service admin purchasing hello enquiry business`

// mobilePrefixes are the first three digits of Chinese mobile numbers that libphonenumber
// accepts as mobile; virtual-operator ranges (162, 165, 167, 170, 171) are left out.
const mobilePrefixes = `130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157
158 159 166 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199`

// wordList is a parsed word list: one slice of fields per entry.
type wordList [][]string

// vocab holds the parsed word lists.
type vocab struct {
	brandChars, industries, cities, surnames, givenNames wordList
	enWords, enIndustries, enFirst, enLast, mailboxes    wordList
	mobilePrefixes, zhSuffixes, enSuffixes               wordList
}

// newVocab parses the word lists.
func newVocab() *vocab {
	return &vocab{
		brandChars: parse(brandChars), industries: parse(industries), cities: parse(cities),
		surnames: parse(surnames), givenNames: parse(givenNames),
		enWords: parse(enWords), enIndustries: parse(enIndustries),
		enFirst: parse(enFirst), enLast: parse(enLast), mailboxes: parse(mailboxes),
		mobilePrefixes: parse(mobilePrefixes), zhSuffixes: parse(zhSuffixes), enSuffixes: parse(enSuffixes),
	}
}

// parse splits a word list into entries and fields; '_' inside a field stands for a space.
func parse(list string) wordList {
	words := strings.Fields(list)
	out := make(wordList, len(words))
	for i, w := range words {
		out[i] = strings.Split(strings.ReplaceAll(w, "_", " "), ":")
	}
	return out
}
