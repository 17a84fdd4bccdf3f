package standardize

import "testing"

func TestPersonName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"upper and lower words", "JOHN o'brien", "John O'Brien"},
		{"whitespace", "  john \u00a0 smith\u3000", "John Smith"},
		{"hyphenated", "MARY-JANE WATSON", "Mary-Jane Watson"},
		{"initials", "j.r.r. tolkien", "J.R.R. Tolkien"},
		{"typographic apostrophe", "d’angelo", "D’Angelo"},
		{"mixed case kept", "Ronald McDonald", "Ronald McDonald"},
		{"mixed case particle kept", "Ludwig van Beethoven", "Ludwig van Beethoven"},
		{"any mixed word keeps the name", "john McDonald", "john McDonald"},
		{"upper particle title-cased", "LUDWIG VAN BEETHOVEN", "Ludwig Van Beethoven"},
		{"accented", "JOSÉ ÁLVAREZ", "José Álvarez"},
		{"NFD accented", "JOSE\u0301", "José"},
		{"Cyrillic", "ИВАН ПЕТРОВ", "Иван Петров"},
		{"Chinese unchanged", "张三", "张三"},
		{"Chinese with space unchanged", "欧阳 修", "欧阳 修"},
		{"full-width kept", "ＪＯＨＮ", "Ｊｏｈｎ"},
		{"Chinese and Latin", "张三 JOHN", "张三 John"},
		{"single letter", "j", "J"},
		{"digits", "JOHN SMITH 3RD", "John Smith 3rd"},
		{"zero width", "jo\u200Bhn", "John"},
		{"title-case digraph kept", "ǅemal BIJEDIĆ", "ǅemal BIJEDIĆ"},
		{"lower digraph title-cased", "ǆemal", "ǅemal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PersonName(tt.in); got != tt.want {
				t.Errorf("PersonName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
