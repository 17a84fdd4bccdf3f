package acceptance

import (
	"testing"

	"github.com/accord-mdm/accord/connectors"
)

// subtest is one check of the suite.
type subtest struct {
	name string
	run  func(t *testing.T, h *Harness, caps connectors.Capabilities)
}

// subtests are run in this order, one at a time; goroutine_leak comes last so that it can see
// every goroutine the connector left behind without other subtests adding theirs.
var subtests = []subtest{
	{"spec", testSpec},
	{"configure_invalid", testConfigureInvalid},
	{"check", testCheck},
	{"discover", testDiscover},
	{"read_full_pages", testReadFullPages},
	{"read_incremental_resume", testReadIncremental},
	{"read_touched_while_paging", testReadTouchedWhilePaging},
	{"read_max_batch", testReadMaxBatch},
	{"write_create_idempotent", testCreateIdempotent},
	{"write_update_idempotent", testUpdateIdempotent},
	{"write_delete_idempotent", testDeleteIdempotent},
	{"write_update_missing", testUpdateMissing},
	{"write_unknown_field", testUnknownField},
	{"write_max_batch", testWriteMaxBatch},
	{"errors", testErrorKinds},
	{"unknown_entity", testUnknownEntity},
	{"webhook", testWebhook},
	{"context_cancelled", testContextCancelled},
	{"concurrent", testConcurrent},
	{"goroutine_leak", testGoroutineLeak},
}

// Run runs the acceptance suite against the connector h makes, one subtest per property.
// Subtests that the connector's capabilities or the harness's hooks rule out are skipped
// with the reason. Run must not be called from parallel tests: goroutine_leak counts every
// goroutine of the process.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil || h.Settings == nil || h.Entity == "" {
		t.Fatal("acceptance.Harness needs New, Settings and Entity")
	}
	caps := specOf(t, &h).Capabilities
	for _, st := range subtests {
		t.Run(st.name, func(t *testing.T) { st.run(t, &h, caps) })
	}
}

// specOf returns the Spec of a new, unconfigured connector.
func specOf(t *testing.T, h *Harness) connectors.Spec {
	t.Helper()
	return h.newConn(t).Spec()
}
