package generate

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// The functions here render one system's copy of a value the way a clerk would have typed it.
// Key values (tax ID, email, phone) only ever change in ways the documented normalisation
// undoes: case, NFKC width, surrounding ASCII spaces for tax IDs, phone punctuation and prefixes.

// ideographicSpace is U+3000, what a Chinese input method types for a space.
const ideographicSpace = "\u3000"

// messyName renders a company name with legal-form variants, width and spacing noise, and a
// typo in 5% of copies.
func messyName(r *rand.Rand, v *vocab, n companyName) string {
	suffix := n.suffix[0]
	if r.IntN(4) == 0 {
		suffix = n.suffix[1+r.IntN(len(n.suffix)-1)]
	}
	brand := n.brand
	if r.IntN(20) == 0 {
		brand = typo(r, v, n)
	}
	var s string
	if n.chinese {
		s = chineseLayout(r, n.region, string(brand), n.industry, suffix) + n.branch
	} else {
		s = string(brand) + " " + n.industry + " " + suffix
		if r.IntN(10) == 0 {
			s = strings.ToUpper(s)
		}
		if r.IntN(15) == 0 {
			s = fullWidth(string(brand)) + s[len(string(brand)):]
		}
	}
	return addSpaces(r, s)
}

// chineseLayout places the region in front, in brackets after the brand, or drops it.
func chineseLayout(r *rand.Rand, region, brand, industry, suffix string) string {
	switch k := r.IntN(20); {
	case region == "" || k < 14:
		return region + brand + industry + suffix
	case k < 17:
		return brand + "（" + region + "）" + industry + suffix
	case k < 19:
		return brand + "(" + region + ")" + industry + suffix
	default:
		return brand + industry + suffix
	}
}

// typo returns the brand with one mistake: for Chinese a homophone (the wrong input-method
// candidate) or two swapped characters; for English a swapped, dropped or doubled letter.
func typo(r *rand.Rand, v *vocab, n companyName) []rune {
	b := append([]rune(nil), n.brand...)
	i := r.IntN(len(b) - 1)
	if n.chinese {
		for _, ch := range v.brandChars {
			if []rune(ch[0])[0] == b[i] && r.IntN(4) != 0 {
				b[i] = []rune(ch[2])[0]
				return b
			}
		}
		b[i], b[i+1] = b[i+1], b[i]
		return b
	}
	for b[i] == ' ' || b[i+1] == ' ' {
		i = r.IntN(len(b) - 1)
	}
	switch r.IntN(3) {
	case 0:
		b[i], b[i+1] = b[i+1], b[i]
	case 1:
		b = append(b[:i+1], b[i+2:]...)
	default:
		b = append(b[:i+1], b[i:]...)
	}
	return b
}

// addSpaces doubles a space, types an ideographic space or pads the value, in 12% of copies.
func addSpaces(r *rand.Rand, s string) string {
	switch r.IntN(25) {
	case 0:
		return strings.Replace(s, " ", "  ", 1)
	case 1:
		if strings.Contains(s, " ") {
			return strings.Replace(s, " ", ideographicSpace, 1)
		}
		rs := []rune(s)
		i := 1 + r.IntN(len(rs)-1)
		return string(rs[:i]) + ideographicSpace + string(rs[i:])
	case 2:
		return " " + s
	default:
		return s
	}
}

// fullWidth maps ASCII letters, digits and punctuation to their full-width forms (U+FF01…).
func fullWidth(s string) string {
	return strings.Map(func(c rune) rune {
		if c > ' ' && c <= '~' {
			return c - '!' + '！'
		}
		return c
	}, s)
}

// messyPhone formats an 11-digit mobile number the way one of the systems stores it; 4% of
// copies are typed with full-width digits.
func messyPhone(r *rand.Rand, p string) string {
	a, b, c := p[:3], p[3:7], p[7:]
	var s string
	switch r.IntN(6) {
	case 0:
		s = a + " " + b + " " + c
	case 1:
		s = "+86 " + a + "-" + b + "-" + c
	case 2:
		s = "0086" + p
	case 3:
		s = p
	case 4:
		s = "+86" + p
	default:
		s = a + "-" + b + "-" + c
	}
	if r.IntN(25) == 0 {
		s = fullWidth(s)
	}
	return s
}

// messyEmail changes the case of an address and in 3% of copies types a full-width ＠.
func messyEmail(r *rand.Rand, e string) string {
	switch k := r.IntN(20); {
	case k < 2:
		e = strings.ToLower(e)
	case k < 3:
		e = strings.ToUpper(e)
	case k < 5:
		local, domain, _ := strings.Cut(e, "@")
		e = capitalize(local) + "@" + capitalize(domain)
	}
	if r.IntN(33) == 0 {
		e = strings.Replace(e, "@", "＠", 1)
	}
	return e
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(unicode.ToUpper(rune(s[0]))) + s[1:]
}

// messyTaxID lower-cases 10% of tax IDs and pads another 10% with ASCII spaces.
func messyTaxID(r *rand.Rand, t string) string {
	switch r.IntN(10) {
	case 0:
		return strings.ToLower(t)
	case 1:
		return []string{" " + t, t + " ", "  " + t + " "}[r.IntN(3)]
	default:
		return t
	}
}

// messyCity writes a city in Chinese, with 市, or in English; English more often for
// English-named companies.
func messyCity(r *rand.Rand, city []string, chinese bool) string {
	k := r.IntN(10)
	if !chinese {
		k = 9 - k
	}
	switch {
	case k < 5:
		return city[0]
	case k < 7:
		return city[0] + "市"
	case k < 9:
		return city[1]
	default:
		return strings.ToUpper(city[1])
	}
}

// invalidEmail returns a malformed address on the company's own domain, so even invalid values
// are never shared between companies.
func invalidEmail(r *rand.Rand, email string) string {
	local, domain, _ := strings.Cut(strings.ToLower(email), "@")
	switch r.IntN(3) {
	case 0:
		return local + "@@" + domain
	case 1:
		return local + "@"
	default:
		label, rest, _ := strings.Cut(domain, ".")
		return local + "@" + label + ".." + rest
	}
}
