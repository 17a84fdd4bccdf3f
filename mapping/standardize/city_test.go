package standardize

import (
	"strings"
	"testing"
)

func TestCityKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"深圳", "深圳"},
		{"深圳市", "深圳"},
		{" Shenzhen ", "深圳"},
		{"SHENZHEN", "深圳"},
		{"Shenzhen City", "深圳"},
		{"shenzhen shi", "深圳"},
		{"ＳＨＥＮＺＨＥＮ", "深圳"},
		{"Xi'an", "西安"},
		{"XI'AN", "西安"},
		{"Xian", "西安"},
		{"xi an", "西安"},
		{"廣州", "广州"},
		{"Canton", "广州"},
		{"Peking", "北京"},
		{"Urumqi", "乌鲁木齐"},
		{"Hong Kong", "香港"},
		{"Hamburg", "hamburg"},
		{"某某县", "某某"},
		{"Springfield City", "springfield"},
	} {
		if got := CityKey(tc.in); got != tc.want {
			t.Errorf("CityKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCityKeyTable checks the table: every spelling of a city maps to its first Chinese name,
// and no spelling names two cities.
func TestCityKeyTable(t *testing.T) {
	seen := map[string]string{}
	for _, entry := range strings.Fields(cities) {
		for _, n := range strings.FieldsFunc(entry, func(r rune) bool { return r == ':' || r == '|' || r == '=' }) {
			if other, dup := seen[n]; dup {
				t.Errorf("%q names both %s and %s", n, other, entry)
			}
			seen[n] = entry
		}
	}
	for name, city := range cityByName {
		if got := CityKey(name); got != city {
			t.Errorf("CityKey(%q) = %q, want %q", name, got, city)
		}
	}
	if CityKey("广州") == CityKey("杭州") {
		t.Error("广州 and 杭州 share a key")
	}
}

func TestTaxIDCity(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"91350100M000100Y43", "福州"},
		{"350100M000100Y4", "福州"}, // the old 税务登记号
		{"91110105MA8LHMQ334", "北京"},
		{"91440300MA5F7K2Q8X", ""}, // check character wrong
		{"91659001MA5F7K2Q8X", ""}, // a city not in the table (and a wrong check character)
		{"DE123456789", ""},
		{"", ""},
	} {
		if got := TaxIDCity(tc.in); got != tc.want {
			t.Errorf("TaxIDCity(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for division, city := range cityByDivision {
		if CityKey(city) != city {
			t.Errorf("division %s: %q is not a CityKey", division, city)
		}
	}
}
