package standardize_test

import (
	"errors"
	"fmt"

	"github.com/accord-mdm/accord/mapping/standardize"
)

func ExampleText() {
	// NBSP, ideographic space, a zero-width space, a NUL byte and an
	// invalid byte are removed; case and full-width letters are kept.
	fmt.Printf("%q\n", standardize.Text("\u00a0ＡＣＭＥ\u3000\u3000Co.,\u200B Ltd.\x00\xff "))
	// Composed and decomposed accents store the same.
	fmt.Println(standardize.Text("Jose\u0301") == standardize.Text("José"))
	// Output:
	// "ＡＣＭＥ Co., Ltd."
	// true
}

func ExampleMatchKey() {
	fmt.Println(standardize.MatchKey("ＡＣＭＥ　Ｃｏｒｐ"))
	fmt.Println(standardize.MatchKey("Straße"))
	// Traditional and simplified Chinese stay apart.
	fmt.Println(standardize.MatchKey("華為"), standardize.MatchKey("华为"))
	// A Cyrillic А is not a Latin A.
	fmt.Println(standardize.MatchKey("\u0410cme") == standardize.MatchKey("Acme"))
	// Output:
	// acme corp
	// strasse
	// 華為 华为
	// false
}

func ExampleEmail() {
	for _, in := range []string{
		"John.Doe@Example.COM",
		"ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
		"用户@xn--fsqu00a.xn--fiqs8s",
		"John <john@example.com>",
		"a@x.com; b@y.com",
		"a@@b.com",
		"a@b..com",
		"a@b",
	} {
		out, err := standardize.Email(in)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(out)
	}
	// Output:
	// John.Doe@example.com
	// john@example.com
	// 用户@例子.中国
	// invalid email "John <john@example.com>": display names and angle brackets are not allowed, expected the bare address only
	// invalid email "a@x.com; b@y.com": several addresses, expected exactly one
	// invalid email "a@@b.com": more than one "@"
	// invalid email "a@b..com": domain has an empty label (leading, trailing or doubled ".")
	// invalid email "a@b": domain must contain a "."
}

func ExampleEmailKey() {
	a, _ := standardize.EmailKey("用户@例子.中国")
	b, _ := standardize.EmailKey("用户@XN--FSQU00A.xn--fiqs8s")
	c, _ := standardize.EmailKey("John.Doe@Example.COM")
	fmt.Println(a)
	fmt.Println(a == b)
	fmt.Println(c)
	// Output:
	// 用户@xn--fsqu00a.xn--fiqs8s
	// true
	// john.doe@example.com
}

func ExamplePhone() {
	for _, in := range []string{
		"138 0013 8000",
		"+86 138-0013-8000",
		"008613800138000",
		"（010）1234 5678",
		"１３８００１３８０００",
		"010-12345678转8001",
		"12345",
	} {
		out, err := standardize.Phone(in, "CN")
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(out)
	}
	// Output:
	// +8613800138000
	// +8613800138000
	// +8613800138000
	// +861012345678
	// +8613800138000
	// +861012345678
	// invalid phone number "12345": not a valid number (region CN): wrong length or unassigned range
}

func ExampleTaxID() {
	id, err := standardize.TaxID("９１３５ ０１００-Ｍ０００ １００Ｙ４３")
	fmt.Println(id, err)
	_, err = standardize.TaxID("91350100M000100Y44")
	fmt.Println(err)
	fmt.Println(errors.Is(err, standardize.ErrInvalid))
	id, err = standardize.TaxID("de 123.456-789") // not a USCC: no checksum
	fmt.Println(id, err)
	// Output:
	// 91350100M000100Y43 <nil>
	// invalid tax ID "91350100M000100Y44": 统一社会信用代码 check character mismatch: expected '3', got '4'
	// true
	// DE123456789 <nil>
}

func ExampleCompanyNameKey() {
	for _, in := range []string{
		"ACME Co., Ltd.",
		"Acme Inc",
		"ＡＣＭＥ",
		"华为技术有限公司",
		"华为技术 有限公司",
		"北京华为技术有限公司",
		"腾讯科技（深圳）有限公司",  // bracketed region kept: a separate legal person
		"美的集团股份有限公司",    // 集团 kept
		"北京银行股份有限公司",    // region kept: too little would remain
		"有限公司",          // only a legal form: kept, never an empty key
		"\u0410cme Inc", // Cyrillic А: not "acme"
	} {
		fmt.Println(standardize.CompanyNameKey(in))
	}
	// Output:
	// acme
	// acme
	// acme
	// 华为技术
	// 华为技术
	// 华为技术
	// 腾讯科技深圳
	// 美的集团
	// 北京银行
	// 有限公司
	// аcme
}

func ExamplePersonName() {
	fmt.Println(standardize.PersonName("JOHN o'brien"))
	fmt.Println(standardize.PersonName("Ludwig van Beethoven"))
	fmt.Println(standardize.PersonName(" 张三 "))
	// Output:
	// John O'Brien
	// Ludwig van Beethoven
	// 张三
}

func ExampleByName() {
	f, err := standardize.ByName("phone", map[string]string{"region": "US"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f("(650) 253-0000"))
	_, err = standardize.ByName("email", map[string]string{"region": "US"})
	fmt.Println(err)
	// Output:
	// +16502530000 <nil>
	// standardizer "email" takes no parameters, got "region"
}
