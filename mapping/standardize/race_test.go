//go:build race

package standardize

// raceEnabled lets slow single-goroutine equivalence tests sample their
// cases under the race detector, which slows them tenfold and finds nothing
// in code without goroutines; the full sets run in every other build.
const raceEnabled = true
