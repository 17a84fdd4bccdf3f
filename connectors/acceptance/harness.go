package acceptance

import (
	"encoding/json"
	"testing"

	"github.com/accord-mdm/accord/connectors"
)

// Harness gives the suite fresh connectors and control over the system behind them. New,
// Settings and Entity are required; a nil hook or empty list skips the subtests that need it,
// saying so. The suite calls the hooks from the goroutine of the subtest it passes as t, so a
// hook may call t.Skip, t.Fatal or t.Cleanup; subtests run one after another.
type Harness struct {
	// New returns an unconfigured connector. The suite closes every connector it gets, once,
	// configured or not (a plugin host may hold a process even before Configure).
	New func(t testing.TB) connectors.Connector
	// Settings returns valid settings for a fresh, empty system: each call a new one, which the
	// harness removes at t's cleanup.
	Settings func(t testing.TB) json.RawMessage
	// InvalidSettings must each make Configure fail with an error wrapping
	// connectors.ErrInvalidConfig.
	InvalidSettings []json.RawMessage
	// Entity is the entity (object) the suite reads and writes.
	Entity string

	// Seed inserts n records of Entity directly into the system behind settings, bypassing
	// the connector, and returns their IDs as Read reports them. n may be as large as
	// Capabilities.MaxBatch + 1, so it should insert in bulk.
	Seed func(t testing.TB, settings json.RawMessage, n int) []string
	// Touch changes the seeded record id directly, as a user editing it would, so that the
	// record's UpdatedAt moves forward (and its Version changes, if the system has versions).
	Touch func(t testing.TB, settings json.RawMessage, id string)

	// Fields returns a valid field map for record number i (i >= 0). Distinct i give distinct
	// values. Every value must read back equal as JSON (7 and json.Number("7") are equal).
	Fields func(i int) map[string]any
	// UnknownField names a field that Entity does not have.
	UnknownField string

	// Fail makes the system behind settings fail the next Write of an update to a seeded
	// record with a failure the connector should classify as kind. It may keep failing later
	// calls: the suite uses that system for nothing else. The suite retries a call that fails
	// Retryable up to twice more, as Accord would, so a system may first fail transiently (a
	// dropped connection) before the failure of kind shows (a rejected login).
	Fail func(t testing.TB, settings json.RawMessage, kind connectors.ErrorKind)
	// FailKinds are the kinds Fail can produce, nil for all five. A kind left out is one the
	// system behind this harness has no such failure for (SQLite has no logins, so no Auth);
	// the suite logs which it did not test, and a connector is expected to have a harness on
	// some system that produces each kind it can return.
	FailKinds []connectors.ErrorKind

	// Webhook returns the notification the system behind settings sends when records ids of
	// Entity change, signed as the system signs it. Required when the connector declares
	// Capabilities.Webhooks.
	Webhook func(t testing.TB, settings json.RawMessage, ids []string) connectors.WebhookRequest
}

// needs skips t unless every named requirement holds; each requirement is a reason to skip.
func needs(t *testing.T, reqs ...requirement) {
	t.Helper()
	for _, r := range reqs {
		if !r.ok {
			t.Skip(r.reason)
		}
	}
}

// requirement is something a subtest needs and the reason it skips without it.
type requirement struct {
	ok     bool
	reason string
}

func (h *Harness) canSeed() requirement {
	return requirement{h.Seed != nil, "harness has no Seed"}
}

func (h *Harness) canTouch() requirement {
	return requirement{h.Touch != nil, "harness has no Touch"}
}

func (h *Harness) hasFields() requirement {
	return requirement{h.Fields != nil, "harness has no Fields"}
}

func (h *Harness) canFail() requirement {
	return requirement{h.Fail != nil, "harness has no Fail"}
}

func capRead(c connectors.Capabilities) requirement {
	return requirement{c.Read, "connector does not declare Capabilities.Read"}
}

func capWrite(c connectors.Capabilities) requirement {
	return requirement{c.Write, "connector does not declare Capabilities.Write"}
}

func capDelete(c connectors.Capabilities) requirement {
	return requirement{c.Delete, "connector does not declare Capabilities.Delete"}
}

func capIncremental(c connectors.Capabilities) requirement {
	return requirement{c.Incremental, "connector does not declare Capabilities.Incremental"}
}

func capMaxBatch(c connectors.Capabilities) requirement {
	return requirement{c.MaxBatch > 0, "connector declares no Capabilities.MaxBatch (no size limit to test)"}
}
