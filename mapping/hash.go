package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
)

// Hash is the content hash of a record's field values: SHA-256 over canonical JSON (sorted
// keys, numbers as written). The same values always give the same hash, whichever side wrote
// them, which is what echo suppression compares.
func Hash(fields map[string]any) string {
	b, err := json.Marshal(fields) // encoding/json sorts map keys
	if err != nil {
		// Only unsupported Go types fail; connectors deliver JSON values.
		b = []byte(err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func sortStrings(s []string) { sort.Strings(s) }
