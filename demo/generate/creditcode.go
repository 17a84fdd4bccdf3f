package generate

import (
	"math/rand/v2"
	"strings"
)

// creditAlphabet is the character set of the 统一社会信用代码 (GB 32100-2015): digits and the
// upper-case Latin letters without I, O, S, V and Z. A character's value is its index here.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// CreditCode returns a random, valid 18-character 统一社会信用代码 for an enterprise ("91")
// registered in division, a 6-digit 行政区划代码 such as "310115". The embedded 9-character
// organisation code carries its own GB 11714 check character, and the last character is the
// GB 32100 check character, so the code passes both checks. Uniqueness is the caller's concern.
func CreditCode(r *rand.Rand, division string) string {
	var b strings.Builder
	b.Grow(18)
	b.WriteString("91")
	b.WriteString(division)
	b.WriteString(orgCode(r))
	b.WriteByte(creditCheck(b.String()))
	return b.String()
}

// ValidCreditCode reports whether s is 18 characters of the credit-code alphabet whose last
// character is the GB 32100 check character of the first 17. It does not trim or upper-case.
func ValidCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := range 18 {
		if strings.IndexByte(creditAlphabet, s[i]) < 0 {
			return false
		}
	}
	return creditCheck(s[:17]) == s[17]
}

// creditCheck returns the GB 32100 check character of the 17-character prefix. The standard's
// weights 1, 3, 9, 27, 19, … are the powers of 3 modulo 31.
func creditCheck(prefix string) byte {
	sum, w := 0, 1
	for i := range 17 {
		sum += strings.IndexByte(creditAlphabet, prefix[i]) * w
		w = w * 3 % 31
	}
	return creditAlphabet[(31-sum%31)%31]
}

// orgCode returns a 9-character organisation code: eight body characters and the GB 11714
// check character. About half are post-2015 style codes beginning "MA", the rest numeric.
func orgCode(r *rand.Rand) string {
	body := make([]byte, 0, 9)
	if r.IntN(2) == 0 {
		body = append(body, 'M', 'A')
		for len(body) < 8 {
			body = append(body, creditAlphabet[r.IntN(len(creditAlphabet))])
		}
	} else {
		for len(body) < 8 {
			body = append(body, byte('0'+r.IntN(10)))
		}
	}
	return string(append(body, orgCheck(body)))
}

// orgCheck returns the GB 11714 check character of an 8-character organisation-code body.
// Letters count as 10 (A) to 35 (Z); 10 is written X and 11 is written 0.
func orgCheck(body []byte) byte {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body[:8] {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}
