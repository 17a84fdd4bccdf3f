// Package acceptance is the suite every connector passes, run unchanged in process and through
// the plugin boundary: it uses only the connectors.Connector contract, so a connector served by
// the gRPC plugin host is tested exactly like the package that implements it.
//
// A connector's test supplies a Harness: a fresh connector, settings for a fresh and empty
// system, and hooks that act on that system behind the connector's back (seed records, edit
// one as a user would, make the next write fail). Then:
//
//	func TestAcceptance(t *testing.T) {
//		acceptance.Run(t, acceptance.Harness{New: …, Settings: …, Entity: "accounts", …})
//	}
//
// Each property is a subtest (go test -run 'TestAcceptance/sqlite/write_create_idempotent'):
//
//   - spec: name and version set; capabilities consistent (Delete, NativeUpsert need Write,
//     Incremental needs Read); ConfigSchema a JSON Schema of an object that the valid settings
//     satisfy (required, additionalProperties); Spec unchanged by Configure.
//   - configure_invalid: each of Harness.InvalidSettings fails with ErrInvalidConfig.
//   - check, discover: Check passes; Discover lists the entity with well-typed, unique fields
//     that include every field Harness.Fields writes and not Harness.UnknownField.
//   - read_full_pages: 50 records in pages of 7, each page within its limit, a cursor whenever
//     More is set, every record seen.
//   - read_incremental_resume: a saved cursor resumes on a second connector (as after a
//     restart) and reads the same page twice; the caught-up cursor is not empty and reading on
//     from it returns a record a user touched, with a later UpdatedAt.
//   - read_touched_while_paging: records touched while a full read pages are seen, and the last
//     version read of every record is the one the system holds: re-reads are allowed, lost
//     changes are not.
//   - read_max_batch, write_max_batch: Limit = MaxBatch over MaxBatch+1 records, and a Write of
//     MaxBatch creates, work.
//   - write_*: a create retried with the same CreateKey makes one record; an update or a delete
//     applied twice leaves the same state; an update of a missing record is a Conflict (or
//     Permanent) and creates nothing; a field the entity lacks fails the op as Permanent with
//     OpError.Field naming it and changes nothing. Written fields read back equal as JSON, and
//     a WriteResult.Version equals the Version read back.
//   - errors/<kind>: Harness.Fail makes the next update fail; the connector classifies it as
//     that kind (RateLimited with RetryAfter > 0), in the call's error or the op's result.
//   - unknown_entity: Read and Write fail with ErrUnknownEntity.
//   - context_cancelled: Read and Write with a cancelled context return within 5s, with an
//     error classified Retryable, and the connector works afterwards.
//   - concurrent: four goroutines write and read at once (meaningful under -race).
//   - goroutine_leak: after Close, no goroutine the connector started is left (goleak).
//
// A subtest that the connector's Capabilities or a missing Harness hook rules out is skipped,
// and every skip says why (go test -v lists them). Subtests run one at a time, each on a system
// of its own, and Run must not be called from a parallel test: goroutine_leak looks at every
// goroutine of the process.
//
// Records and keys the suite creates use CreateKeys like "acc-create-1": short ASCII strings
// that the system must accept as keys.
package acceptance
