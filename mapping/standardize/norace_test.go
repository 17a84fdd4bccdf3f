//go:build !race

package standardize

// raceEnabled: see race_test.go.
const raceEnabled = false
